package dev.tuneline.events;

import java.time.Instant;
import java.util.UUID;

/** A training progress report from a worker. */
public record JobProgress(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements TunelineEvent {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** Step, epoch, loss, learning rate, gradient norm, throughput and ETA. */
    public record Payload(String stage, int step, int totalSteps, double epoch, double loss, double learningRate,
            double gradNorm, double tokensPerSecond, double etaSeconds) {
    }

    /** A new progress report. */
    public static JobProgress of(UUID jobId, Payload payload) {
        return new JobProgress(UUID.randomUUID(), jobId, VERSION, Instant.now(), payload);
    }
}
