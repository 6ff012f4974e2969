package dev.tuneline.llm.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The outcome of {@link TrainerCore#train}: last completed step, mean step loss of this run, last step's loss, the
 * last evaluation's metrics (empty without eval data), whether it stopped on request, the last checkpoint and the
 * final model directory (null when not written), attended tokens/s of this run and its wall time.
 */
public record TrainResult(int globalStep, int totalSteps, double epoch, double trainLoss, double lastLoss,
        Map<String, Double> evalMetrics, boolean stopped, Path lastCheckpoint, Path finalModelDir,
        double tokensPerSecond, Duration elapsed) {}
