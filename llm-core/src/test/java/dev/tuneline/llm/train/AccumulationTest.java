package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Gradient accumulation 4 x 2 equals one batch of 8 in loss and gradients (token-weighted over the window). */
class AccumulationTest {
    static final int V = 50;
    static final int T = 10;

    /** 8 rows with prompts of different lengths (-100) and right padding, so micro-batches hold unequal targets. */
    static TokenBatch rows(int from, int to, long seed) {
        Random r = new Random(seed);
        int n = 8;
        int[][] ids = new int[n][T];
        int[][] labels = new int[n][T];
        int[][] mask = new int[n][T];
        for (int i = 0; i < n; i++) {
            int len = 3 + r.nextInt(T - 2);
            int prompt = 1 + r.nextInt(len - 1);
            if (i == 2) {
                prompt = len - 1; // a row with a single target
            }
            for (int t = 0; t < T; t++) {
                ids[i][t] = t < len ? 1 + r.nextInt(V - 1) : 0;
                mask[i][t] = t < len ? 1 : 0;
                labels[i][t] = t < len && t >= prompt ? ids[i][t] : -100;
            }
        }
        return new TokenBatch(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(labels, from, to),
                Arrays.copyOfRange(mask, from, to));
    }

    static Map<String, float[]> grads(Map<String, Parameter> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, AdamWTest.grad(p)));
        return out;
    }

    static TrainingConfig config(int batch, int accum) {
        return TrainingConfig.builder().optPerDeviceBatchSize(batch).optGradientAccumulationSteps(accum)
                .optLearningRate(1e-2).optWeightDecay(0.01).optMaxSteps(1).optLoggingSteps(1).build();
    }

    @Test
    void fourTimesTwoEqualsEightInLossAndGradients() {
        try (NDManager base = NDManager.newBaseManager()) {
            TinyLm lm = TinyLm.create(base, V, 16, T, false, 7);
            Map<String, Parameter> params = lm.namedParameters();
            TokenBatch all = rows(0, 8, 11);
            List<TokenBatch> micro = new ArrayList<>();
            for (int i = 0; i < 8; i += 2) {
                micro.add(rows(i, i + 2, 11));
            }
            long targets = all.targetTokens();
            assertEquals(targets, micro.stream().mapToLong(TokenBatch::targetTokens).sum());

            try (SftTrainer one = new SftTrainer(lm, params, config(8, 1), null);
                    SftTrainer four = new SftTrainer(lm, params, config(2, 4), null)) {
                double loss8 = one.backwardWindow(List.of(all), targets);
                Map<String, float[]> g8 = grads(params);
                one.optimizer().zeroGradients();
                double loss42 = four.backwardWindow(micro, targets);
                Map<String, float[]> g42 = grads(params);
                four.optimizer().zeroGradients();

                assertEquals(loss8, loss42, 1e-5 * Math.abs(loss8));
                for (String k : g8.keySet()) {
                    float[] a = g8.get(k);
                    float[] b = g42.get(k);
                    double scale = GradientAccumulationFactsTest.norm(a) / Math.sqrt(a.length) + 1e-8;
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 1e-4 * scale + 1e-7, k + "[" + i + "]");
                    }
                }
                // the mean of per-micro-batch means (the transformers bug) is measurably different here
                double meanOfMeans = 0;
                for (TokenBatch b : micro) {
                    meanOfMeans += four.backwardWindow(List.of(b), b.targetTokens()) / micro.size();
                    four.optimizer().zeroGradients();
                }
                assertTrue(Math.abs(meanOfMeans - loss8) > 1e-3, "example must distinguish the two normalisations");
            }
        }
    }

    @Test
    void oneOptimizerStepIsTheSameEitherWay() {
        float[][] after = new float[2][];
        int[][] shapes = {{8, 1}, {2, 4}};
        for (int run = 0; run < 2; run++) {
            try (NDManager base = NDManager.newBaseManager()) {
                TinyLm lm = TinyLm.create(base, V, 16, T, false, 7);
                int batch = shapes[run][0];
                List<TokenBatch> batches = new ArrayList<>();
                for (int i = 0; i < 8; i += batch) {
                    batches.add(rows(i, i + batch, 11));
                }
                try (SftTrainer t = new SftTrainer(lm, lm.namedParameters(), config(batch, shapes[run][1]), null)) {
                    TrainResult r = t.train(BatchSource.of(batches), null, null);
                    assertEquals(1, r.globalStep());
                }
                after[run] = lm.namedParameters().get("attn.q_proj.weight").getArray().toFloatArray();
            }
        }
        for (int i = 0; i < after[0].length; i++) {
            assertEquals(after[0][i], after[1][i], 1e-6, "q_proj[" + i + "]");
        }
    }
}
