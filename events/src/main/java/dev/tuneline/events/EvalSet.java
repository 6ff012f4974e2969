package dev.tuneline.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The held-out split of a job, sent to eval-service: prompts with reference outputs, or preference pairs. */
public record EvalSet(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements TunelineEvent {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** One held-out SFT example: rendered prompt (no response) and the reference output. */
    public record Example(int row, String prompt, String reference) {
    }

    /** One held-out preference pair, rendered with the template. */
    public record Pair(int row, String prompt, String chosen, String rejected) {
    }

    /**
     * Job type, template, either examples (sft) or pairs (reward), and the decoding / truncation settings the
     * evaluation uses ({@code maxNewTokens}, {@code numBeams}, {@code maxSeqLength}).
     */
    public record Payload(String jobType, String template, List<Example> examples, List<Pair> pairs,
            int maxNewTokens, int numBeams, int maxSeqLength) {
    }

    /** A new eval set for this job. */
    public static EvalSet of(UUID jobId, Payload payload) {
        return new EvalSet(UUID.randomUUID(), jobId, VERSION, Instant.now(), payload);
    }
}
