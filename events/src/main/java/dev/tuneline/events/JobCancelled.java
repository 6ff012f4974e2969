package dev.tuneline.events;

import java.time.Instant;
import java.util.UUID;

/** A user cancelled a job: services stop its work (training aborts, queued work is skipped) and free its resources. */
public record JobCancelled(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements TunelineEvent {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** Why (as the user or the gateway put it). */
    public record Payload(String reason) {
    }

    /** A new cancellation event. */
    public static JobCancelled of(UUID jobId, String reason) {
        return new JobCancelled(UUID.randomUUID(), jobId, VERSION, Instant.now(), new Payload(reason));
    }
}
