package dev.tuneline.events;

import java.time.Instant;
import java.util.UUID;

/** A job was accepted by the gateway and persisted; dataset-service prepares its data. */
public record JobRequested(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements TunelineEvent {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** What to run: job type (sft | reward | eval), dataset name, base model, hyper-parameters. */
    public record Payload(String jobType, String dataset, String baseModel, JobConfig config) {
    }

    /** A new event for this job. */
    public static JobRequested of(UUID jobId, Payload payload) {
        return new JobRequested(UUID.randomUUID(), jobId, VERSION, Instant.now(), payload);
    }
}
