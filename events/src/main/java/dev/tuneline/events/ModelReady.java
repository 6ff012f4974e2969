package dev.tuneline.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A worker finished training and saved the model in HuggingFace layout. */
public record ModelReady(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements TunelineEvent {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** Job type, where the model lies (and its untrained base, for comparisons), and final metrics. */
    public record Payload(String jobType, String modelDir, String baseModelDir, Map<String, Double> metrics) {
    }

    /** A new model-ready event. */
    public static ModelReady of(UUID jobId, Payload payload) {
        return new ModelReady(UUID.randomUUID(), jobId, VERSION, Instant.now(), payload);
    }
}
