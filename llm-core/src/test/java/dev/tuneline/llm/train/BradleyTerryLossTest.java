package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Bradley-Terry loss (margin, centering, stability, shapes) and the reward metrics against hand values. */
class BradleyTerryLossTest {
    static final float[] CHOSEN = {1.5f, -0.2f, 0.3f, 40f};
    static final float[] REJECTED = {0.5f, 0.4f, 0.3f, -40f};
    static final float[] MARGINS = {0.25f, -1f, 0.5f, 2f};

    /** -log(sigmoid(d)) in plain Java. */
    static double nls(double d) {
        return d >= 0 ? Math.log1p(Math.exp(-d)) : -d + Math.log1p(Math.exp(d));
    }

    static double expected(boolean margin, double center) {
        double s = 0;
        double c = 0;
        for (int i = 0; i < CHOSEN.length; i++) {
            s += nls(CHOSEN[i] - REJECTED[i] - (margin ? MARGINS[i] : 0));
            c += Math.pow(CHOSEN[i] + REJECTED[i], 2);
        }
        return s / CHOSEN.length + center * c / CHOSEN.length;
    }

    @Test
    void matchesHandValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray c = m.create(CHOSEN);
            NDArray r = m.create(REJECTED);
            NDArray mg = m.create(MARGINS);
            assertEquals(expected(false, 0), BradleyTerryLoss.mean(c, r, null, 0).getFloat(), 1e-6);
            assertEquals(expected(true, 0), BradleyTerryLoss.mean(c, r, mg, 0).getFloat(), 1e-6);
            assertEquals(expected(false, 0.01), BradleyTerryLoss.mean(c, r, null, 0.01).getFloat(), 1e-5);
            assertEquals(expected(true, 0.01), BradleyTerryLoss.mean(c, r, mg, 0.01).getFloat(), 1e-5);
            assertEquals(4 * expected(true, 0.01), BradleyTerryLoss.sum(c, r, mg, 0.01).getFloat(), 4e-5);
            // by hand for the first pair alone: -log(sigmoid(1.0)) = log(1 + e^-1)
            assertEquals(Math.log(1 + Math.exp(-1)), BradleyTerryLoss.mean(m.create(new float[] {1.5f}),
                    m.create(new float[] {0.5f}), null, 0).getFloat(), 1e-6);
        }
    }

    @Test
    void gradientIsMinusSigmoidOfMinusD() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray c = m.create(CHOSEN);
            c.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(BradleyTerryLoss.mean(c, m.create(REJECTED), m.create(MARGINS), 0));
            }
            float[] g = c.getGradient().toFloatArray();
            for (int i = 0; i < CHOSEN.length; i++) {
                double d = CHOSEN[i] - REJECTED[i] - MARGINS[i];
                assertEquals(-1 / (1 + Math.exp(d)) / CHOSEN.length, g[i], 1e-6);
                assertTrue(Float.isFinite(g[i]));
            }
        }
    }

    @Test
    void checksShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray c = m.create(new float[][] {{1f}, {2f}});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BradleyTerryLoss.mean(c, c, null, 0));
            assertTrue(e.getMessage().contains("chosen rewards must have shape [B]"), e.getMessage());
            NDArray a = m.create(new float[] {1f, 2f});
            e = assertThrows(IllegalArgumentException.class,
                    () -> BradleyTerryLoss.mean(a, m.create(new float[] {1f, 2f, 3f}), null, 0));
            assertTrue(e.getMessage().contains("rejected"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> BradleyTerryLoss.mean(a, a, m.create(new float[] {1f}), 0));
            assertTrue(e.getMessage().contains("margins"), e.getMessage());
        }
    }

    @Test
    void rewardMetricsCountTiesSeparately() {
        RewardMetrics r = RewardMetrics.of(CHOSEN, REJECTED);
        assertEquals(4, r.pairs());
        assertEquals(0.5, r.accuracy(), 1e-12); // 1.5>0.5, 40>-40; -0.2<0.4 lost; 0.3=0.3 tie
        assertEquals(1, r.ties());
        assertEquals(0.25, r.tieRate(), 1e-12);
        assertEquals((1.0 - 0.6 + 0 + 80) / 4, r.meanMargin(), 1e-6);
        double[] all = {1.5, -0.2, 0.3, 40, 0.5, 0.4, 0.3, -40};
        double mean = java.util.Arrays.stream(all).average().orElseThrow();
        double var = java.util.Arrays.stream(all).map(x -> (x - mean) * (x - mean)).sum() / all.length;
        assertEquals(mean, r.rewardMean(), 1e-6);
        assertEquals(Math.sqrt(var), r.rewardStd(), 1e-5);
        assertEquals(0.5, r.asMap("eval_").get("eval_accuracy"));
    }
}
