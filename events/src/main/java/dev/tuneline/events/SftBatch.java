package dev.tuneline.events;

import java.time.Instant;
import java.util.UUID;

/** Tokenized SFT rows: ids, labels (-100 = not trained on) and attention mask, right-padded to one length. */
public record SftBatch(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements BatchMessage {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** Sequence number (0-based) and the (B, T) arrays. */
    public record Payload(int sequence, int[][] inputIds, int[][] labels, int[][] attentionMask) {
    }

    /** A new batch for this job. */
    public static SftBatch of(UUID jobId, Payload payload) {
        return new SftBatch(UUID.randomUUID(), jobId, VERSION, Instant.now(), payload);
    }
}
