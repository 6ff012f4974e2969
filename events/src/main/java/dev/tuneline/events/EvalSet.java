package dev.tuneline.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The held-out split of a job, sent to eval-service: prompts with reference outputs, or preference pairs. */
public record EvalSet(UUID eventId, UUID jobId, int schemaVersion, Instant occurredAt, Payload payload)
        implements TunelineEvent {
    /** Current schema version. */
    public static final int VERSION = 1;

    /** One held-out SFT example: rendered prompt (no response), the reference output, and the raw instruction. */
    public record Example(int row, String prompt, String reference, String instruction) {
    }

    /** One held-out preference pair, rendered with the template. */
    public record Pair(int row, String prompt, String chosen, String rejected) {
    }

    /**
     * Job type, template, either examples (sft) or pairs (reward), and the decoding / truncation settings the
     * evaluation uses ({@code maxNewTokens}, {@code numBeams}, {@code maxSeqLength}). For an eval job,
     * {@code mode} says what to run ({@value #BLEU}, {@value #REWARD_ACCURACY}, {@value #WIN_RATE}) and
     * {@code models} names the resolved model directories ({@code model}, {@code compare}, {@code judge});
     * both are null for the held-out split of a training job.
     */
    public record Payload(String jobType, String template, List<Example> examples, List<Pair> pairs,
            int maxNewTokens, int numBeams, int maxSeqLength, String mode, java.util.Map<String, String> models,
            Decoding decoding) {
    }

    /** Sampling settings of evaluation generation (null = greedy / beam search); the seed makes it repeatable. */
    public record Decoding(double temperature, double repetitionPenalty, long seed) {
    }

    /** Eval mode: BLEU of one model's generations. */
    public static final String BLEU = "bleu";
    /** Eval mode: a reward model's accuracy on preference pairs. */
    public static final String REWARD_ACCURACY = "reward-accuracy";
    /** Eval mode: model A vs model B, judged by a reward model. */
    public static final String WIN_RATE = "win-rate";

    /** A new eval set for this job. */
    public static EvalSet of(UUID jobId, Payload payload) {
        return new EvalSet(UUID.randomUUID(), jobId, VERSION, Instant.now(), payload);
    }
}
