package dev.tuneline.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** eval-service finished evaluating a job's model. */
public record EvalCompleted(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements TunelineEvent {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** Job type, model evaluated, and named metrics (bleu_base, bleu_tuned, accuracy, …). */
    public record Payload(String jobType, String modelDir, Map<String, Double> metrics, String summary) {
    }

    /** A new eval-completed event. */
    public static EvalCompleted of(UUID jobId, Payload payload) {
        return new EvalCompleted(UUID.randomUUID(), jobId, VERSION, Instant.now(), payload);
    }
}
