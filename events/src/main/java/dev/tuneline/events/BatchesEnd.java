package dev.tuneline.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Closes a job's batch stream: how many batches and rows were sent, their checksum, and how to train. */
public record BatchesEnd(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements BatchMessage {
    /** Current schema version. */
    public static final int VERSION = 1;

    /**
     * @param batchCount   batches sent before this marker
     * @param rowCount     rows in those batches
     * @param checksum     hex SHA-256 over every batch's ids in sequence order
     * @param tokenizerDir directory holding the tokenizer files the ids were made with
     * @param baseModel    base model name or directory from the job
     * @param config       the job's hyper-parameters
     * @param skippedRows  row numbers not trained on, with the reason (e.g. response truncated away)
     * @param special      special token ids (eos, pad, bos)
     */
    public record Payload(int batchCount, int rowCount, String checksum, String tokenizerDir, String baseModel,
            JobConfig config, List<String> skippedRows, Map<String, Integer> special) {
    }

    /** A new end marker for this job. */
    public static BatchesEnd of(UUID jobId, Payload payload) {
        return new BatchesEnd(UUID.randomUUID(), jobId, VERSION, Instant.now(), payload);
    }
}
