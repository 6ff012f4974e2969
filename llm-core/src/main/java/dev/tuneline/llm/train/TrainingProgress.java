package dev.tuneline.llm.train;

import java.time.Duration;

/**
 * A progress report: optimizer step (1-based, completed) of {@code totalSteps}, fractional epoch, loss, learning
 * rate used by the step, gradient norm before clipping, attended tokens per second since the previous report,
 * tokens seen in this run, wall time of this run and the estimated time left.
 */
public record TrainingProgress(int step, int totalSteps, double epoch, double loss, double learningRate,
        double gradNorm, double tokensPerSecond, long tokensSeen, Duration elapsed, Duration eta) {}
