package dev.tuneline.events;

import java.time.Instant;
import java.util.UUID;

/** A job cannot continue; the reason is meant for the user. */
public record JobFailed(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements TunelineEvent {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** Which service failed the job, and why. */
    public record Payload(String service, String reason) {
    }

    /** A new failure event. */
    public static JobFailed of(UUID jobId, String service, String reason) {
        return new JobFailed(UUID.randomUUID(), jobId, VERSION, Instant.now(), new Payload(service, reason));
    }
}
