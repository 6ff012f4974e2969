package dev.tuneline.sftworker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.events.BatchChecksum;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.events.JobCancelled;
import dev.tuneline.events.JobProgress;
import dev.tuneline.events.ModelReady;
import dev.tuneline.events.SftBatch;
import dev.tuneline.events.Topics;
import dev.tuneline.events.serde.JobProgressDeserializer;
import dev.tuneline.events.serde.ModelReadyDeserializer;
import dev.tuneline.llm.train.TrainerCore;
import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.KafkaTestClient;
import dev.tuneline.testsupport.PostgresResource;
import dev.tuneline.worker.BatchSpool;
import dev.tuneline.worker.JobRunner;
import dev.tuneline.worker.TrainingRun;
import dev.tuneline.worker.TrainingRunRepository.Claim;
import dev.tuneline.worker.TrainingRunRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * One owner per job across worker replicas, on the real database and broker: concurrent claims have one winner, a
 * lapsed lease is taken over, a job whose worker died mid-training is resumed from its checkpoint by this worker, and a
 * cancelled job stops training and frees the worker.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class WorkerLeaseIT {
    @Inject
    TrainingRunRepository runs;
    @Inject
    @SuppressWarnings("rawtypes")
    JobRunner runner;
    @ConfigProperty(name = "tuneline.model-root")
    Path modelRoot;
    @ConfigProperty(name = "tuneline.data-root")
    Path dataRoot;

    private static void insert(UUID job, String type, String state, String owner, Instant leaseUntil, int attempts) {
        QuarkusTransaction.requiringNew().run(() -> {
            TrainingRun r = new TrainingRun();
            r.jobId = job;
            r.jobType = type;
            r.state = state;
            r.owner = owner;
            r.leaseUntil = leaseUntil;
            r.attempts = attempts;
            r.createdAt = Instant.now();
            r.updatedAt = r.createdAt;
            r.persist();
        });
    }

    /** Waits until {@code group} has committed every record of {@code topic} (so the worker has handled them). */
    private static void awaitConsumed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaResource.bootstrapServers()))) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                committed.keySet().stream().filter(tp -> tp.topic().equals(topic))
                        .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                boolean done = !latest.isEmpty() && latest.keySet().stream()
                        .allMatch(tp -> committed.get(tp).offset() >= ends.get(tp).offset());
                if (done) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError(group + " did not consume " + topic + " within 60 s");
                }
                Thread.sleep(250);
            }
        }
    }

    private static TrainingRun row(UUID job) {
        return QuarkusTransaction.requiringNew().call(() -> TrainingRun.<TrainingRun>findById(job));
    }

    @Test
    void concurrentClaimsHaveOneWinnerAndALapsedLeaseIsTakenOver() throws Exception {
        String type = "lease-" + UUID.randomUUID().toString().substring(0, 8);   // a type no running worker claims
        UUID job = UUID.randomUUID();
        insert(job, type, "QUEUED", null, null, 0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Optional<Claim>>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String owner = "worker-" + i;
            claims.add(pool.submit((Callable<Optional<Claim>>) () -> runs.claimNext(type, owner, Duration.ofSeconds(1), 5)));
        }
        List<Claim> won = new ArrayList<>();
        for (Future<Optional<Claim>> f : claims) {
            f.get().ifPresent(won::add);
        }
        pool.shutdown();
        assertEquals(1, won.size(), "exactly one of 8 concurrent claims wins");
        String winner = row(job).owner;
        assertTrue(winner.startsWith("worker-"));
        assertEquals(1, row(job).attempts);
        assertEquals("TRAINING", row(job).state);
        assertTrue(runs.renew(job, winner, Duration.ofSeconds(1)));
        assertFalse(runs.renew(job, "worker-x", Duration.ofSeconds(1)), "only the owner renews");
        assertTrue(runs.claimNext(type, "late", Duration.ofSeconds(1), 5).isEmpty(), "a held lease is not claimable");

        Thread.sleep(1500);   // the winner stops renewing: it died
        Claim takeover = runs.claimNext(type, "successor", Duration.ofSeconds(30), 5).orElseThrow();
        assertEquals(job, takeover.jobId());
        assertEquals(winner, takeover.previousOwner());
        assertEquals(2, takeover.attempts());
        assertFalse(runs.renew(job, winner, Duration.ofSeconds(1)), "the old owner learns it lost the job");
        assertFalse(runs.finish(job, winner, "SUCCEEDED", null, "/nowhere"), "and cannot end it");
        assertTrue(runs.release(job, "successor"), "a stopping worker hands the job back");
        assertEquals("QUEUED", row(job).state);
        assertNull(row(job).owner);

        UUID poison = UUID.randomUUID();
        String type2 = type + "p";
        insert(poison, type2, "TRAINING", "crashed-5-times", Instant.now().minusSeconds(60), 5);
        Claim gaveUp = runs.claimNext(type2, "next", Duration.ofSeconds(30), 5).orElseThrow();
        assertTrue(gaveUp.exhausted());
        assertEquals("FAILED", row(poison).state);
        assertTrue(row(poison).reason.contains("interrupted 5 times"), row(poison).reason);
    }

    @Test
    void cancellingAJobAbortsItsTrainingFreesTheWorkerAndIgnoresLateBatches() throws Exception {
        UUID job = UUID.randomUUID();
        List<SftBatch> batches = SftWorkerIT.batches(job, 4, 4);
        BatchChecksum sum = new BatchChecksum();
        batches.forEach(sum::update);
        KafkaTestClient.send(Topics.SFT_BATCHES, batches.toArray(new SftBatch[0]));
        KafkaTestClient.send(Topics.SFT_BATCHES, BatchesEnd.of(job, new BatchesEnd.Payload(4, 16, sum.hex(),
                SftWorkerIT.TOKENIZER.toString(), "tiny-gpt2", SftWorkerIT.config(100_000), List.of(), Map.of())));
        // training runs: this worker holds the job's lease
        long started = System.currentTimeMillis() + 120_000;
        while ((row(job) == null || !"TRAINING".equals(row(job).state)) && System.currentTimeMillis() < started) {
            Thread.sleep(200);
        }
        assertEquals("TRAINING", row(job).state);
        Thread.sleep(1000);
        KafkaTestClient.send(Topics.JOB_CANCELLED, JobCancelled.of(job, "cancelled by user"));
        Path dir = JobRunner.jobDir(modelRoot, job);
        long deadline = System.currentTimeMillis() + 60_000;
        while (java.nio.file.Files.exists(dir) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertFalse(java.nio.file.Files.exists(dir), "the aborted job's spool and checkpoints are removed");
        TrainingRun r = row(job);
        assertEquals("CANCELLED", r.state);
        assertEquals("cancelled by user", r.reason);
        assertNull(r.owner, "no lease is held");

        // the worker is free again: the next job trains to the end
        UUID next = UUID.randomUUID();
        List<SftBatch> nextBatches = SftWorkerIT.batches(next, 2, 4);
        BatchChecksum nextSum = new BatchChecksum();
        nextBatches.forEach(nextSum::update);
        KafkaTestClient.send(Topics.SFT_BATCHES, nextBatches.toArray(new SftBatch[0]));
        KafkaTestClient.send(Topics.SFT_BATCHES, BatchesEnd.of(next, new BatchesEnd.Payload(2, 8, nextSum.hex(),
                SftWorkerIT.TOKENIZER.toString(), "tiny-gpt2", SftWorkerIT.config(4), List.of(), Map.of())));
        KafkaTestClient.readUntil(Topics.MODEL_READY, new ModelReadyDeserializer(), next, x -> true,
                Duration.ofMinutes(3));

        // a job cancelled before its batches arrive never trains: its batches are ignored
        UUID early = UUID.randomUUID();
        KafkaTestClient.send(Topics.JOB_CANCELLED, JobCancelled.of(early, "cancelled by user"));
        deadline = System.currentTimeMillis() + 30_000;
        while (row(early) == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertEquals("CANCELLED", row(early).state);
        List<SftBatch> late = SftWorkerIT.batches(early, 1, 4);
        KafkaTestClient.send(Topics.SFT_BATCHES, late.toArray(new SftBatch[0]));
        awaitConsumed("sft-worker", Topics.SFT_BATCHES);
        assertEquals("CANCELLED", row(early).state);
        assertEquals(0, row(early).batches, "the late batch was ignored");
        assertFalse(java.nio.file.Files.exists(JobRunner.jobDir(modelRoot, early)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aJobWhoseWorkerDiedResumesFromItsCheckpointOnThisWorker() throws Exception {
        UUID job = UUID.randomUUID();
        List<SftBatch> batches = SftWorkerIT.batches(job, 4, 4);
        BatchChecksum sum = new BatchChecksum();
        batches.forEach(sum::update);
        BatchSpool spool = JobRunner.spool(modelRoot, job);
        batches.forEach(spool::put);
        spool.put(BatchesEnd.of(job, new BatchesEnd.Payload(4, 16, sum.hex(), SftWorkerIT.TOKENIZER.toString(),
                "tiny-gpt2", SftWorkerIT.config(20), List.of(), Map.of())));

        // the worker that "dies": trains 8 of 20 steps, checkpoints (as SIGTERM or a crash after save_steps would)
        AtomicReference<TrainerCore<?>> trainer = new AtomicReference<>();
        assertThrows(JobRunner.StoppedException.class, () -> runner.run(job, dataRoot, modelRoot,
                t -> trainer.set((TrainerCore<?>) t), p -> {
                    if (((JobProgress.Payload) p).step() >= 8) {
                        trainer.get().requestStop();
                    }
                }));
        assertEquals("checkpoint-8", TrainerCore.latestCheckpoint(JobRunner.jobDir(modelRoot, job).resolve("run"))
                .orElseThrow().getFileName().toString());
        // its row: still TRAINING under a lease that lapsed a minute ago
        insert(job, "sft", "TRAINING", "sft-worker-dead-pod", Instant.now().minusSeconds(60), 1);

        ModelReady ready = KafkaTestClient.readUntil(Topics.MODEL_READY, new ModelReadyDeserializer(), job, r -> true,
                Duration.ofMinutes(4)).get(0);
        assertEquals(20.0, ready.payload().metrics().get("steps"));
        List<JobProgress> progress = KafkaTestClient.readUntil(Topics.JOB_PROGRESS, new JobProgressDeserializer(), job,
                p -> p.payload().step() == 20, Duration.ofSeconds(30));
        assertEquals(10, progress.get(0).payload().step(), "this worker went on from step 8, it did not start over");
        TrainingRun r = row(job);
        assertEquals("SUCCEEDED", r.state);
        assertEquals(2, r.attempts);
        assertNull(r.owner);
    }
}
