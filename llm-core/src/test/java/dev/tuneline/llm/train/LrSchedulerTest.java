package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** HF's schedule formulas, values worked out by hand. */
class LrSchedulerTest {

    @Test
    void linearWithWarmup() {
        LrScheduler s = new LrScheduler(SchedulerType.LINEAR, 1e-3, 2, 10);
        double[] expected = {0, 0.5, 1.0, 7.0 / 8, 6.0 / 8, 5.0 / 8, 4.0 / 8, 3.0 / 8, 2.0 / 8, 1.0 / 8, 0};
        for (int i = 0; i <= 10; i++) {
            assertEquals(expected[i] * 1e-3, s.lr(i), 1e-15, "step " + i);
        }
    }

    @Test
    void cosineWithWarmup() {
        LrScheduler s = new LrScheduler(SchedulerType.COSINE, 2.0, 2, 10);
        assertEquals(0.0, s.lr(0), 1e-12);
        assertEquals(1.0, s.lr(1), 1e-12);
        assertEquals(2.0, s.lr(2), 1e-12);
        assertEquals(1.0, s.lr(6), 1e-12); // halfway through the decay: cos(pi/2) = 0 -> 0.5
        assertEquals(2.0 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.lr(4), 1e-12);
        assertEquals(0.0, s.lr(10), 1e-12);
    }

    @Test
    void constantIgnoresWarmupAndConstantWithWarmupDoesNot() {
        LrScheduler c = new LrScheduler(SchedulerType.CONSTANT, 0.5, 4, 10);
        LrScheduler w = new LrScheduler(SchedulerType.CONSTANT_WITH_WARMUP, 0.5, 4, 10);
        assertEquals(0.5, c.lr(0));
        assertEquals(0.0, w.lr(0));
        assertEquals(0.5 * 3 / 4, w.lr(3), 1e-15);
        assertEquals(0.5, w.lr(4));
        assertEquals(0.5, w.lr(9));
    }

    @Test
    void warmupRatioRoundsUpAndStepsWin() {
        TrainingConfig ratio = TrainingConfig.builder().optWarmupRatio(0.03).build();
        assertEquals(3, ratio.warmupSteps(100)); // 100 * 0.03 == 3.0 exactly in IEEE doubles, as in Python
        assertEquals(3, TrainingConfig.builder().optWarmupRatio(0.1).build().warmupSteps(21));
        assertEquals(7, TrainingConfig.builder().optWarmupRatio(0.1).optWarmupSteps(7).build().warmupSteps(21));
        TrainingConfig epochs = TrainingConfig.builder().optNumEpochs(2).optGradientAccumulationSteps(4).build();
        assertEquals(6, epochs.totalSteps(10)); // ceil(10 / 4) = 3 steps per epoch
        assertEquals(50, epochs.toBuilder().optMaxSteps(50).build().totalSteps(10));
    }
}
