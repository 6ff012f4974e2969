package dev.tuneline.dataset.bench;

import dev.tuneline.events.BatchChecksum;
import dev.tuneline.events.Json;
import dev.tuneline.events.SftBatch;
import dev.tuneline.events.Topics;
import dev.tuneline.events.serde.EventSerializer;
import dev.tuneline.llm.data.Collator;
import dev.tuneline.llm.data.DatasetLoader;
import dev.tuneline.llm.data.EncodeReport;
import dev.tuneline.llm.data.EncodedSft;
import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.data.SftEncoder;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.SharedData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Bench harness (not a test): rows/s of dataset-service's path on the bundled CodeAlpaca data, stage by stage, up to
 * a real in-JVM KRaft broker. Reference: tokenizing the rendered text alone, measured in the same run.
 * Run: {@code scripts/bench.sh dataset-service dev.tuneline.dataset.bench.DatasetPathBench}.
 */
public final class DatasetPathBench {
    private DatasetPathBench() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<InstructionRow> rows = new DatasetLoader().loadInstructions(SharedData.root().resolve("sft/code_alpaca_2k.json"));
        String bootstrap = KafkaResource.bootstrapServers();
        try (TextTokenizer raw = TextTokenizer.load(SharedData.root().resolve("tokenizers/gpt2-hf"));
                KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                        "acks", "all", "compression.type", "lz4", "linger.ms", "5"), new StringSerializer(), new EventSerializer())) {
            TextTokenizer tok = raw.withPadToken(raw.eosId());
            PromptTemplate alpaca = PromptTemplate.alpaca();
            SftEncoder encoder = new SftEncoder(tok, alpaca, 512);
            Collator collator = Collator.forTokenizer(tok);
            String[] names = {"tokenize full text only (reference)", "format + tokenize + mask", "+ collate (B=8) + JSON",
                    "+ send to broker, waiting for each ack", "+ send to broker, pipelined (the service)"};
            double[][] rate = new double[names.length][rounds];
            for (int r = 0; r < rounds; r++) {
                long t = System.nanoTime();
                long sink = 0;
                for (InstructionRow row : rows) {
                    sink += tok.encode(alpaca.renderFull(row, tok.eosToken()), true).length;
                }
                rate[0][r] = rows.size() / seconds(t);

                t = System.nanoTime();
                EncodeReport report = encoder.encodeAll(rows);
                rate[1][r] = rows.size() / seconds(t);

                t = System.nanoTime();
                List<SftBatch> batches = batches(UUID.randomUUID(), encoder.encodeAll(rows).encoded(), collator);
                for (SftBatch b : batches) {
                    sink += Json.MAPPER.writeValueAsBytes(b).length;
                }
                rate[2][r] = rows.size() / seconds(t);

                t = System.nanoTime();
                UUID job = UUID.randomUUID();
                for (SftBatch b : batches(job, encoder.encodeAll(rows).encoded(), collator)) {
                    producer.send(new ProducerRecord<>(Topics.SFT_BATCHES, job.toString(), b)).get();
                }
                rate[3][r] = rows.size() / seconds(t);

                t = System.nanoTime();
                job = UUID.randomUUID();
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                BatchChecksum sum = new BatchChecksum();
                for (SftBatch b : batches(job, encoder.encodeAll(rows).encoded(), collator)) {
                    sum.update(b);
                    acks.add(producer.send(new ProducerRecord<>(Topics.SFT_BATCHES, job.toString(), b)));
                }
                for (Future<RecordMetadata> f : acks) {
                    f.get();
                }
                rate[4][r] = rows.size() / seconds(t);
                if (sink < 0 || report.encoded().isEmpty()) {
                    System.out.println(sink);
                }
            }
            System.out.printf(Locale.ROOT, "%n%d CodeAlpaca rows, alpaca template, GPT-2 tokenizer, max_seq_length 512, median of %d rounds "
                    + "(first round included: JIT warm-up shows in the spread)%n%n", rows.size(), rounds);
            System.out.printf(Locale.ROOT, "| %-48s | %10s | %8s | %17s |%n", "stage", "rows/s", "ratio", "min..max rows/s");
            System.out.println("|" + "-".repeat(50) + "|" + "-".repeat(12) + "|" + "-".repeat(10) + "|" + "-".repeat(19) + "|");
            double ref = median(rate[0]);
            for (int i = 0; i < names.length; i++) {
                double[] s = rate[i].clone();
                java.util.Arrays.sort(s);
                System.out.printf(Locale.ROOT, "| %-48s | %10.0f | %7.2fx | %8.0f..%-8.0f |%n", names[i], median(rate[i]),
                        median(rate[i]) / ref, s[0], s[s.length - 1]);
            }
        }
        System.exit(0);
    }

    private static List<SftBatch> batches(UUID job, List<EncodedSft> encoded, Collator collator) {
        List<SftBatch> out = new ArrayList<>();
        for (int i = 0, seq = 0; i < encoded.size(); i += 8, seq++) {
            var b = collator.collate(encoded.subList(i, Math.min(encoded.size(), i + 8)));
            out.add(SftBatch.of(job, new SftBatch.Payload(seq, b.inputIds(), b.labels(), b.attentionMask())));
        }
        return out;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
