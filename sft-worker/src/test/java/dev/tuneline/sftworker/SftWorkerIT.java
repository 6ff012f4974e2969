package dev.tuneline.sftworker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.events.BatchChecksum;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.events.JobConfig;
import dev.tuneline.events.JobFailed;
import dev.tuneline.events.JobProgress;
import dev.tuneline.events.ModelReady;
import dev.tuneline.events.SftBatch;
import dev.tuneline.events.Topics;
import dev.tuneline.events.serde.JobFailedDeserializer;
import dev.tuneline.events.serde.JobProgressDeserializer;
import dev.tuneline.events.serde.ModelReadyDeserializer;
import dev.tuneline.llm.data.Collator;
import dev.tuneline.llm.data.DatasetLoader;
import dev.tuneline.llm.data.EncodedSft;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.data.SftEncoder;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.KafkaTestClient;
import dev.tuneline.testsupport.PostgresResource;
import dev.tuneline.testsupport.SharedData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** sft-worker against a real broker and database: batches in, real DJL training, progress and model-ready out. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class SftWorkerIT {
    static final Path TOKENIZER = SharedData.root().resolve("tokenizers/gpt2-hf");

    static List<SftBatch> batches(UUID job, int count, int size) throws Exception {
        try (TextTokenizer tok = TextTokenizer.load(TOKENIZER)) {
            TextTokenizer padded = tok.withPadToken(tok.eosId());
            var rows = new DatasetLoader().loadInstructions(SharedData.root().resolve("sft/code_alpaca_2k.json"));
            SftEncoder enc = new SftEncoder(padded, PromptTemplate.alpaca(), 64);
            List<EncodedSft> encoded = enc.encodeAll(rows.subList(0, count * size * 2)).encoded();
            Collator collator = Collator.forTokenizer(padded);
            List<SftBatch> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                var b = collator.collate(encoded.subList(i * size, (i + 1) * size));
                out.add(SftBatch.of(job, new SftBatch.Payload(i, b.inputIds(), b.labels(), b.attentionMask())));
            }
            return out;
        }
    }

    static JobConfig config(int steps) {
        return new JobConfig(steps, 4, 3e-3, 64, 7L, 0.2, "alpaca", null, null, 16, 32, 1, null, 0.0, "constant",
                null, null, null, null, null, null, null, null, null);
    }

    @Test
    void batchesTrainARealModelWhoseLossFallsAndIsSavedInHfLayout() throws Exception {
        UUID job = UUID.randomUUID();
        List<SftBatch> batches = batches(job, 4, 4);
        BatchChecksum sum = new BatchChecksum();
        batches.forEach(sum::update);
        KafkaTestClient.send(Topics.SFT_BATCHES, batches.toArray(new SftBatch[0]));
        KafkaTestClient.send(Topics.SFT_BATCHES, BatchesEnd.of(job, new BatchesEnd.Payload(4, 16, sum.hex(),
                TOKENIZER.toString(), "tiny-gpt2", config(20),
                List.of("row 17: the response was truncated away at max_seq_length 64"), Map.of())));

        ModelReady ready = KafkaTestClient.readUntil(Topics.MODEL_READY, new ModelReadyDeserializer(), job, r -> true,
                Duration.ofMinutes(4)).get(0);
        Map<String, Double> m = ready.payload().metrics();
        assertEquals(20.0, m.get("steps"));
        assertEquals(1.0, m.get("rows_skipped"), "rows the dataset could not use are reported with the model");
        assertTrue(m.get("last_loss") < m.get("first_logged_loss") - 1.0,
                "loss falls: " + m.get("first_logged_loss") + " -> " + m.get("last_loss"));
        Path dir = Path.of(ready.payload().modelDir());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            assertTrue(Files.exists(dir.resolve(f)), f + " in " + dir);
        }
        assertTrue(Files.exists(Path.of(ready.payload().baseModelDir()).resolve("model.safetensors")),
                "the untrained base is kept for comparisons");
        List<JobProgress> progress = KafkaTestClient.readUntil(Topics.JOB_PROGRESS, new JobProgressDeserializer(), job,
                p -> p.payload().step() == 20, Duration.ofSeconds(30));
        assertTrue(progress.size() >= 5, "progress every logging step, got " + progress.size());
        assertTrue(progress.get(0).payload().tokensPerSecond() > 0);
    }

    @Test
    void aCorruptedBatchStreamFailsTheJobWithAReason() throws Exception {
        UUID job = UUID.randomUUID();
        List<SftBatch> batches = batches(job, 2, 2);
        KafkaTestClient.send(Topics.SFT_BATCHES, batches.toArray(new SftBatch[0]));
        KafkaTestClient.send(Topics.SFT_BATCHES, BatchesEnd.of(job, new BatchesEnd.Payload(2, 4, "0".repeat(64),
                TOKENIZER.toString(), "tiny-gpt2", config(2), List.of(), Map.of())));
        JobFailed failed = KafkaTestClient.readUntil(Topics.JOB_FAILED, new JobFailedDeserializer(), job, r -> true,
                Duration.ofMinutes(2)).get(0);
        assertEquals("sft-worker", failed.payload().service());
        assertTrue(failed.payload().reason().contains("checksum"), failed.payload().reason());
    }
}
