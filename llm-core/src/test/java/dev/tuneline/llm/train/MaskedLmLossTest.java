package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The masked, shifted cross-entropy against a hand computation in plain Java. */
class MaskedLmLossTest {
    // two sequences, T = 4, V = 5
    static final float[][][] LOGITS = {
        {{0.1f, 1.2f, -0.3f, 0.8f, 2.0f}, {1.5f, -1.0f, 0.2f, 0.0f, 0.4f}, {-0.7f, 0.3f, 2.2f, 1.1f, -0.5f},
            {0.9f, 0.9f, 0.9f, 0.9f, 0.9f}},
        {{2.5f, 0.1f, -1.5f, 0.6f, 0.0f}, {0.3f, 0.3f, 1.9f, -2.0f, 1.0f}, {1.0f, 2.0f, 3.0f, 4.0f, 5.0f},
            {-3.0f, 0.5f, 0.25f, 1.75f, 0.0f}}
    };
    // prompt positions and padding are -100; position 0 never counts (nothing predicts it)
    static final long[][] LABELS = {{4, -100, 2, 3}, {0, 2, 4, -100}};

    /** log softmax of one row, by hand. */
    static double[] logSoftmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double s = 0;
        for (float v : z) {
            s += Math.exp(v - max);
        }
        double lse = max + Math.log(s);
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = z[i] - lse;
        }
        return out;
    }

    @Test
    void sumAndMeanEqualHandComputation() {
        // targets: seq0 t=1 predicts labels[2]=2 (logits row 1); t=2 predicts labels[3]=3 (row 2);
        //          seq1 row0 -> 2, row1 -> 4; label -100 at seq0 pos1 and seq1 pos3 skipped
        double expectedSum = -(logSoftmax(LOGITS[0][1])[2] + logSoftmax(LOGITS[0][2])[3]
                + logSoftmax(LOGITS[1][0])[2] + logSoftmax(LOGITS[1][1])[4]);
        assertEquals(4, MaskedLmLoss.countTargets(toInt(LABELS)));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = logitsArray(m);
            NDArray labels = m.create(LABELS);
            assertEquals(expectedSum, MaskedLmLoss.sum(logits, labels).getFloat(), 1e-5);
            assertEquals(expectedSum / 4, MaskedLmLoss.mean(logits, labels).getFloat(), 1e-6);
        }
    }

    @Test
    void sumAtTargetsEqualsHandComputationAndTheHeadSeesOnlyTheScoredPositions() {
        double expectedSum = -(logSoftmax(LOGITS[0][1])[2] + logSoftmax(LOGITS[0][2])[3]
                + logSoftmax(LOGITS[1][0])[2] + logSoftmax(LOGITS[1][1])[4]);
        try (NDManager m = NDManager.newBaseManager()) {
            long[][] headInput = new long[1][];
            // "hidden states" = the logits, the head = identity: only the gathered rows reach it
            NDArray loss = MaskedLmLoss.sumAtTargets(logitsArray(m), toInt(LABELS), h -> {
                headInput[0] = h.getShape().getShape();
                return h.duplicate();
            });
            assertEquals(expectedSum, loss.getFloat(), 1e-5);
            assertArrayEquals(new long[] {4, 5}, headInput[0], "4 scored positions of 8, vocabulary 5");
        }
    }

    @Test
    void gradientIsSoftmaxMinusOneHotAtTargetsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = logitsArray(m);
            logits.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(MaskedLmLoss.mean(logits, m.create(LABELS)));
            }
            float[] g = logits.getGradient().toFloatArray();
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 4; t++) {
                    int target = t + 1 < 4 ? (int) LABELS[b][t + 1] : -100;
                    double[] lp = logSoftmax(LOGITS[b][t]);
                    for (int v = 0; v < 5; v++) {
                        double expected = target == -100 ? 0 : (Math.exp(lp[v]) - (v == target ? 1 : 0)) / 4.0;
                        assertEquals(expected, g[(b * 4 + t) * 5 + v], 1e-6, "grad at b=" + b + " t=" + t + " v=" + v);
                    }
                }
            }
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MaskedLmLoss.sum(m.zeros(new ai.djl.ndarray.types.Shape(2, 4, 5)), m.create(new long[][] {{1, 2, 3}})));
            assertEquals(true, e.getMessage().contains("(B, T, V)"));
        }
    }

    static NDArray logitsArray(NDManager m) {
        float[] flat = new float[2 * 4 * 5];
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 4; t++) {
                System.arraycopy(LOGITS[b][t], 0, flat, (b * 4 + t) * 5, 5);
            }
        }
        return m.create(flat, new ai.djl.ndarray.types.Shape(2, 4, 5));
    }

    static int[][] toInt(long[][] a) {
        int[][] r = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = new int[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                r[i][j] = (int) a[i][j];
            }
        }
        return r;
    }
}
