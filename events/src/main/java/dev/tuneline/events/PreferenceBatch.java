package dev.tuneline.events;

import java.time.Instant;
import java.util.UUID;

/** Tokenized preference pairs: chosen and rejected sequences with their masks, and optional margins. */
public record PreferenceBatch(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements BatchMessage {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** Sequence number and the (B, T) arrays of both sides; margins may be null. */
    public record Payload(int sequence, int[][] chosenIds, int[][] chosenMask, int[][] rejectedIds,
            int[][] rejectedMask, float[] margins) {
    }

    /** A new batch for this job. */
    public static PreferenceBatch of(UUID jobId, Payload payload) {
        return new PreferenceBatch(UUID.randomUUID(), jobId, VERSION, Instant.now(), payload);
    }
}
