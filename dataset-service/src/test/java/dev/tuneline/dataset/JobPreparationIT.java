package dev.tuneline.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.events.BatchChecksum;
import dev.tuneline.events.BatchMessage;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.events.EvalSet;
import dev.tuneline.events.JobConfig;
import dev.tuneline.events.JobFailed;
import dev.tuneline.events.JobRequested;
import dev.tuneline.events.PreferenceBatch;
import dev.tuneline.events.SftBatch;
import dev.tuneline.events.Topics;
import dev.tuneline.events.serde.BatchMessageDeserializer;
import dev.tuneline.events.serde.EvalSetDeserializer;
import dev.tuneline.events.serde.JobFailedDeserializer;
import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.KafkaTestClient;
import dev.tuneline.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** dataset-service against a real broker: job-requested in, ordered batches + end marker + eval set out. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class JobPreparationIT {

    @Test
    void sftJobBecomesMaskedBatchesWithAnEndMarkerThatAddsUp() throws Exception {
        UUID job = UUID.randomUUID();
        JobConfig cfg = new JobConfig(5, 4, null, 96, 42L, 0.2, "alpaca", 60, 3, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        send(JobRequested.of(job, new JobRequested.Payload("sft", "code_alpaca_2k", "tiny-gpt2", cfg)));

        List<BatchMessage> msgs = readUntil(Topics.SFT_BATCHES, new BatchMessageDeserializer(), job,
                m -> m instanceof BatchesEnd);
        BatchesEnd end = (BatchesEnd) msgs.get(msgs.size() - 1);
        List<SftBatch> batches = msgs.stream().filter(SftBatch.class::isInstance).map(SftBatch.class::cast).toList();
        assertEquals(end.payload().batchCount(), batches.size());
        assertEquals(48, end.payload().rowCount() + end.payload().skippedRows().size(),
                "80% of 60 rows are train rows, each sent or reported");
        end.payload().skippedRows().forEach(r -> assertTrue(r.matches("row \\d+: .+"), r));
        BatchChecksum sum = new BatchChecksum();
        for (int i = 0; i < batches.size(); i++) {
            assertEquals(i, batches.get(i).payload().sequence(), "batches arrive in order");
            sum.update(batches.get(i));
        }
        assertEquals(end.payload().checksum(), sum.hex());
        assertEquals(50256, end.payload().special().get("eos"));

        SftBatch first = batches.get(0);
        int[] ids = first.payload().inputIds()[0];
        int[] labels = first.payload().labels()[0];
        int[] mask = first.payload().attentionMask()[0];
        assertEquals(-100, labels[0], "the prompt is not trained on");
        int lastReal = -1;
        for (int t = 0; t < mask.length; t++) {
            if (mask[t] == 1) {
                lastReal = t;
            } else {
                assertEquals(-100, labels[t], "padding is not trained on");
            }
        }
        assertEquals(50256, ids[lastReal], "the row ends with EOS");
        assertEquals(50256, labels[lastReal], "EOS is trained on even though pad = eos");

        EvalSet eval = readUntil(Topics.EVAL_SETS, new EvalSetDeserializer(), job, e -> true).get(0);
        assertEquals(3, eval.payload().examples().size());
        assertTrue(eval.payload().examples().get(0).prompt().startsWith("### Instruction:\n"));
        assertTrue(eval.payload().examples().get(0).prompt().endsWith("### Response:\n"));
    }

    @Test
    void rewardJobBecomesPreferenceBatches() throws Exception {
        UUID job = UUID.randomUUID();
        JobConfig cfg = new JobConfig(5, 4, null, 128, 42L, 0.2, null, 40, 4, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        send(JobRequested.of(job, new JobRequested.Payload("reward", "hh_helpful_pairs", "tiny-gpt2", cfg)));
        List<BatchMessage> msgs = readUntil(Topics.REWARD_BATCHES, new BatchMessageDeserializer(), job,
                m -> m instanceof BatchesEnd);
        BatchesEnd end = (BatchesEnd) msgs.get(msgs.size() - 1);
        assertEquals("raw", end.payload().config().template(), "HH prompts already carry Human/Assistant");
        PreferenceBatch b = (PreferenceBatch) msgs.get(0);
        assertEquals(4, b.payload().chosenIds().length);
        assertEquals(end.payload().batchCount(), msgs.size() - 1);
    }

    @Test
    void unknownDatasetFailsTheJobWithAReason() throws Exception {
        UUID job = UUID.randomUUID();
        send(JobRequested.of(job, new JobRequested.Payload("sft", "no_such_data", "tiny-gpt2", JobConfig.defaults())));
        JobFailed failed = readUntil(Topics.JOB_FAILED, new JobFailedDeserializer(), job, e -> true).get(0);
        assertTrue(failed.payload().reason().contains("dataset 'no_such_data' is not registered"), failed.payload().reason());
        assertTrue(failed.payload().reason().contains("code_alpaca_2k"), "lists the known datasets");

        UUID job2 = UUID.randomUUID();
        send(JobRequested.of(job2, new JobRequested.Payload("reward", "code_alpaca_2k", "tiny-gpt2", JobConfig.defaults())));
        JobFailed wrongKind = readUntil(Topics.JOB_FAILED, new JobFailedDeserializer(), job2, e -> true).get(0);
        assertTrue(wrongKind.payload().reason().contains("needs a preference dataset"), wrongKind.payload().reason());
    }

    @Test
    void unreadableRecordGoesToTheDeadLetterTopic() throws Exception {
        String key = "garbage-" + UUID.randomUUID();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers",
                KafkaResource.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(Topics.JOB_REQUESTED, key, "{this is not json")).get();
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers",
                KafkaResource.bootstrapServers(), "group.id", "test-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(Topics.DLQ_DATASET));
            long deadline = System.currentTimeMillis() + 60_000;
            boolean found = false;
            while (!found && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    found |= key.equals(r.key());
                }
            }
            assertTrue(found, "the unreadable record reached " + Topics.DLQ_DATASET);
        }
    }

    private static void send(JobRequested ev) {
        KafkaTestClient.send(Topics.JOB_REQUESTED, ev);
    }

    private static <T> List<T> readUntil(String topic, Deserializer<T> d, UUID job, Predicate<T> last) {
        return KafkaTestClient.readUntil(topic, d, job, last, Duration.ofSeconds(90));
    }

    @Test
    void evalJobSendsOnlyTheHeldOutSplitAndTheResolvedModels() {
        UUID job = UUID.randomUUID();
        JobConfig cfg = new JobConfig(null, null, null, 64, 42L, 0.2, "alpaca", 50, 4, 8, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
        KafkaTestClient.send(Topics.JOB_REQUESTED, JobRequested.of(job, new JobRequested.Payload("eval", "code_alpaca_2k",
                "tiny-gpt2-random", cfg)));
        EvalSet set = KafkaTestClient.readUntil(Topics.EVAL_SETS, new EvalSetDeserializer(), job, e -> true,
                Duration.ofSeconds(60)).get(0);
        assertEquals(EvalSet.BLEU, set.payload().mode());
        assertEquals(4, set.payload().examples().size());
        assertTrue(set.payload().models().get("model").endsWith("tiny-gpt2-random"));

        UUID bad = UUID.randomUUID();
        JobConfig noJudge = new JobConfig(null, null, null, null, null, null, null, 50, 4, null, null, null, null, null, null,
                null, null, null, null, null, "tiny-gpt2-random", null, null, null);
        KafkaTestClient.send(Topics.JOB_REQUESTED, JobRequested.of(bad, new JobRequested.Payload("eval", "code_alpaca_2k",
                "tiny-gpt2-random", noJudge)));
        JobFailed failed = KafkaTestClient.readUntil(Topics.JOB_FAILED, new JobFailedDeserializer(), bad, e -> true,
                Duration.ofSeconds(60)).get(0);
        assertTrue(failed.payload().reason().contains("needs a judgeModel"), failed.payload().reason());
    }
}
