package dev.tuneline.llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand-computed checks of the per-row logits arithmetic. */
class LogitsOpsTest {

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeOncePerToken() {
        float[] s = {2f, -2f, 1f, 0.5f};
        LogitsOps.repetitionPenalty(s, new int[] {0, 1, 1, 1}, 4, 2f);
        assertArrayEquals(new float[] {1f, -4f, 1f, 0.5f}, s);
    }

    @Test
    void logSumExpIsStable() {
        float[] x = {1000f, 1000f};
        assertEquals(1000 + Math.log(2), LogitsOps.logSumExp(x, 0, 2), 1e-9);
        assertEquals(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), LogitsOps.logSumExp(new float[] {9, 1, 2, 3}, 1, 3), 1e-9);
    }

    @Test
    void argmaxTakesFirstOfTies() {
        assertEquals(1, LogitsOps.argmax(new float[] {0f, 3f, 3f, -1f}));
    }

    @Test
    void topKOneAndTinyTopPAreGreedy() {
        float[] s = {0.1f, 2f, 1.9f, -3f};
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            assertEquals(1, LogitsOps.sample(s, 1f, 1, 1f, rnd));
            assertEquals(1, LogitsOps.sample(s, 1f, 0, 0.01f, rnd));
        }
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities 0.5, 0.3, 0.2 (log-space scores); top_p 0.75 keeps {0, 1} renormalised to 5/8, 3/8
        float[] s = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        SplittableRandom rnd = new SplittableRandom(3);
        int[] counts = new int[3];
        int n = 40_000;
        for (int i = 0; i < n; i++) {
            counts[LogitsOps.sample(s, 1f, 0, 0.75f, rnd)]++;
        }
        assertEquals(0, counts[2]);
        assertEquals(0.625, counts[0] / (double) n, 0.01);
        // top_p 0.8 reaches exactly 0.8 with two tokens: the third stays out
        counts = new int[3];
        for (int i = 0; i < n; i++) {
            counts[LogitsOps.sample(s, 1f, 0, 0.85f, rnd)]++;
        }
        assertTrue(counts[2] > 0, "0.85 needs the third token");
    }

    @Test
    void temperatureSharpensAndSamplingFollowsTheDistribution() {
        float[] s = {0f, (float) Math.log(3)}; // p = 0.25, 0.75
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 40_000;
        int ones = 0;
        for (int i = 0; i < n; i++) {
            ones += LogitsOps.sample(s, 1f, 0, 1f, rnd);
        }
        assertEquals(0.75, ones / (double) n, 0.01);
        ones = 0;
        for (int i = 0; i < n; i++) {
            ones += LogitsOps.sample(s, 0.5f, 0, 1f, rnd); // p ∝ 1, 9 -> 0.9
        }
        assertEquals(0.9, ones / (double) n, 0.01);
    }
}
