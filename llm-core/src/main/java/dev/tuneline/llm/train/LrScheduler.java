package dev.tuneline.llm.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Learning rate per optimizer step with HF's formulas ({@code get_linear_schedule_with_warmup},
 * {@code get_cosine_schedule_with_warmup} with half a cycle, {@code get_constant_schedule[_with_warmup]}).
 *
 * <p>{@link #lr(int)} takes the 0-based index of the optimizer step about to run, as HF's LambdaLR does
 * (with warmup, the first step therefore runs at lr 0, exactly like HF).
 */
public final class LrScheduler {
    private final SchedulerType type;
    private final double baseLr;
    private final int warmupSteps;
    private final int totalSteps;

    /** A schedule of {@code totalSteps} optimizer steps, {@code warmupSteps} of them warming up. */
    @JsonCreator
    public LrScheduler(@JsonProperty("type") SchedulerType type, @JsonProperty("base_lr") double baseLr,
            @JsonProperty("warmup_steps") int warmupSteps, @JsonProperty("total_steps") int totalSteps) {
        if (type == null) {
            throw new IllegalArgumentException("scheduler type is required");
        }
        if (warmupSteps < 0 || totalSteps < 1 || baseLr < 0) {
            throw new IllegalArgumentException("scheduler: need warmup_steps >= 0, total_steps >= 1, base_lr >= 0; got "
                    + warmupSteps + ", " + totalSteps + ", " + baseLr);
        }
        this.type = type;
        this.baseLr = baseLr;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /** The schedule a config implies for a run of {@code totalSteps} steps (warmup as HF's {@code get_warmup_steps}). */
    public static LrScheduler of(TrainingConfig config, int totalSteps) {
        return new LrScheduler(config.schedulerType(), config.learningRate(), config.warmupSteps(totalSteps), totalSteps);
    }

    /** The multiplier of the base rate at 0-based step {@code step}. */
    public double factor(int step) {
        switch (type) {
            case CONSTANT:
                return 1.0;
            case CONSTANT_WITH_WARMUP:
                return step < warmupSteps ? (double) step / Math.max(1.0, warmupSteps) : 1.0;
            case LINEAR:
                if (step < warmupSteps) {
                    return (double) step / Math.max(1, warmupSteps);
                }
                return Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case COSINE:
                if (step < warmupSteps) {
                    return (double) step / Math.max(1, warmupSteps);
                }
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 2.0 * 0.5 * progress)));
            default:
                throw new IllegalStateException(type.name());
        }
    }

    /** The learning rate of 0-based optimizer step {@code step}. */
    public double lr(int step) {
        return baseLr * factor(step);
    }

    /** The schedule shape. */
    @JsonProperty("type")
    public SchedulerType type() {
        return type;
    }

    /** The peak learning rate. */
    @JsonProperty("base_lr")
    public double baseLr() {
        return baseLr;
    }

    /** Steps of linear warmup. */
    @JsonProperty("warmup_steps")
    public int warmupSteps() {
        return warmupSteps;
    }

    /** Optimizer steps in the whole run. */
    @JsonProperty("total_steps")
    public int totalSteps() {
        return totalSteps;
    }

    @Override
    public String toString() {
        return "LrScheduler[" + type.hfName() + ", lr=" + baseLr + ", warmup=" + warmupSteps + ", total=" + totalSteps + "]";
    }
}
