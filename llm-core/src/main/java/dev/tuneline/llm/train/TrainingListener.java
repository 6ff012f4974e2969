package dev.tuneline.llm.train;

import java.nio.file.Path;
import java.util.Map;

/** Receives a trainer's progress; all callbacks run on the training thread and should return quickly. */
public interface TrainingListener {
    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};

    /** After every optimizer step, with that step's own loss (for progress bars and tests). */
    default void onStep(TrainingProgress progress) {}

    /** Every {@code logging_steps} steps (and at the last step), with the loss averaged since the previous log. */
    default void onLog(TrainingProgress progress) {}

    /** After each evaluation (every {@code eval_steps} and at the end), metrics keyed {@code eval_*}. */
    default void onEval(int step, Map<String, Double> metrics) {}

    /** After a checkpoint directory is complete on disk. */
    default void onCheckpoint(int step, Path dir) {}
}
