package dev.tuneline.llm.model;

import static dev.tuneline.llm.model.ModelTestUtil.logits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Causality, padding invariance and the reward head, for both architectures. */
class ModelBehaviourTest extends ManagedTest {


    static Stream<LmConfig> configs() {
        return Stream.of(
                LmConfig.tinyGpt2(300).toBuilder().optInitStd(0.2f).build(),
                LmConfig.tinyOpt(300).toBuilder().optInitStd(0.2f).build(),
                LmConfig.tinyOpt(300).toBuilder().optInitStd(0.2f).optDoLayerNormBefore(false).optWordEmbedProjDim(32).build());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void changingALaterTokenNeverChangesEarlierLogits(LmConfig c) {
        CausalLm model = Checkpoints.create(c, manager, 21);
        long[] a = {3, 14, 15, 92, 65, 35, 89, 79};
        long[] b = a.clone();
        b[5] = 200;
        b[7] = 1;
        float[] la = logits(model, manager, a);
        float[] lb = logits(model, manager, b);
        int v = c.vocabSize();
        for (int t = 0; t < 5; t++) {
            assertArrayEquals(Arrays.copyOfRange(la, t * v, (t + 1) * v), Arrays.copyOfRange(lb, t * v, (t + 1) * v),
                    "position " + t + " must not see later tokens");
        }
        assertTrue(ModelTestUtil.maxAbsDiff(Arrays.copyOfRange(la, 5 * v, 6 * v), Arrays.copyOfRange(lb, 5 * v, 6 * v)) > 1e-3,
                "the changed position itself does change");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void leftAndRightPaddedBatchEqualsOneByOne(LmConfig c) {
        CausalLm model = Checkpoints.create(c, manager, 22);
        long[] s1 = {7, 8, 9, 10, 11, 12};
        long[] s2 = {40, 41, 42};
        int v = c.vocabSize();
        float[] alone1 = logits(model, manager, s1);
        float[] alone2 = logits(model, manager, s2);
        long pad = 0;
        long[][] left = {s1, {pad, pad, pad, 40, 41, 42}};
        long[][] leftMask = {{1, 1, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1}};
        float[][] lb = logits(model, manager, left, leftMask);
        long[][] right = {s1, {40, 41, 42, pad, pad, pad}};
        long[][] rightMask = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}};
        float[][] rb = logits(model, manager, right, rightMask);
        assertTrue(ModelTestUtil.maxAbsDiff(alone1, lb[0]) < 1e-5);
        assertTrue(ModelTestUtil.maxAbsDiff(alone1, rb[0]) < 1e-5);
        for (int t = 0; t < 3; t++) {
            float[] want = Arrays.copyOfRange(alone2, t * v, (t + 1) * v);
            double dl = ModelTestUtil.maxAbsDiff(want, Arrays.copyOfRange(lb[1], (t + 3) * v, (t + 4) * v));
            double dr = ModelTestUtil.maxAbsDiff(want, Arrays.copyOfRange(rb[1], t * v, (t + 1) * v));
            assertTrue(dl < 1e-5, "left-padded position " + t + " differs by " + dl);
            assertTrue(dr < 1e-5, "right-padded position " + t + " differs by " + dr);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void rewardIsReadAtTheLastAttendedTokenAndIsPaddingInvariant(LmConfig c) {
        RewardModel rm = Checkpoints.createReward(c, manager, 23);
        long[] s1 = {7, 8, 9, 10, 11, 12};
        long[] s2 = {40, 41, 42};
        float r1 = rewards(rm, new long[][] {s1}, new long[][] {{1, 1, 1, 1, 1, 1}})[0];
        float r2 = rewards(rm, new long[][] {s2}, new long[][] {{1, 1, 1}})[0];
        float[] left = rewards(rm, new long[][] {s1, {0, 0, 0, 40, 41, 42}}, new long[][] {{1, 1, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1}});
        float[] right = rewards(rm, new long[][] {s1, {40, 41, 42, 5, 5, 5}}, new long[][] {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}});
        assertEquals(r1, left[0], 1e-5);
        assertEquals(r2, left[1], 1e-5);
        assertEquals(r1, right[0], 1e-5);
        assertEquals(r2, right[1], 1e-5);
        assertTrue(Math.abs(r1 - r2) > 1e-4, "different texts get different rewards");

        // reward = score . hidden at the last attended token (independent computation)
        try (NDManager m = manager.newSubManager()) {
            var ids = m.create(new long[] {40, 41, 42, 5, 5}, new Shape(1, 5));
            var mask = m.create(new long[] {1, 1, 1, 0, 0}, new Shape(1, 5));
            float[] hidden = rm.backbone().hiddenStates(new ParameterStore(m, false), ids, mask, false).toFloatArray();
            float[] w = rm.score().weight().getArray().toFloatArray();
            int h = rm.backbone().hiddenOutputSize();
            double dot = 0;
            for (int d = 0; d < h; d++) {
                dot += w[d] * hidden[2 * h + d];
            }
            assertEquals(dot, r2, 1e-5);
        }
    }

    @Test
    void rewardCheckpointRoundTripAndHeadOnCausalLm(@TempDir Path dir) throws Exception {
        LmConfig c = LmConfig.tinyGpt2(300).toBuilder().optPadTokenId(299).build();
        RewardModel rm = Checkpoints.createReward(c, manager, 31);
        Checkpoints.save(rm, dir.resolve("rm"));
        var keys = SafeTensors.readHeader(dir.resolve("rm/model.safetensors")).keySet();
        assertTrue(keys.contains("score.weight") && keys.contains("transformer.wte.weight"));
        assertTrue(java.nio.file.Files.readString(dir.resolve("rm/config.json")).contains("GPT2ForSequenceClassification"));
        RewardModel back = Checkpoints.loadRewardModel(dir.resolve("rm"), manager);
        long[][] ids = {{1, 2, 3, 4}};
        long[][] mask = {{1, 1, 1, 1}};
        assertArrayEquals(rewards(rm, ids, mask), rewards(back, ids, mask));

        CausalLm lm = Checkpoints.create(LmConfig.tinyOpt(300), manager, 32);
        Checkpoints.save(lm, dir.resolve("lm"));
        RewardModel fromLm = Checkpoints.loadRewardModel(dir.resolve("lm"), manager, 5);
        assertArrayEquals(lm.tokenEmbedding().getArray().toFloatArray(),
                fromLm.backbone().tokenEmbedding().getArray().toFloatArray());
        float[] head = fromLm.score().weight().getArray().toFloatArray();
        assertTrue(std(head) > 0.005 && std(head) < 0.05,
                "new head ~ normal(0, 0.02), std " + std(head));
        assertThrows(IllegalArgumentException.class,
                () -> rewards(fromLm, new long[][] {{1, 2}}, new long[][] {{0, 0}}), "row without attended token");
    }

    private static double std(float[] a) {
        double m = 0;
        for (float f : a) {
            m += f;
        }
        m /= a.length;
        double v = 0;
        for (float f : a) {
            v += (f - m) * (f - m);
        }
        return Math.sqrt(v / a.length);
    }

    static float[] rewards(RewardModel rm, long[][] ids, long[][] mask) {
        try (NDManager m = manager.newSubManager()) {
            int b = ids.length;
            int t = ids[0].length;
            long[] fi = new long[b * t];
            long[] fm = new long[b * t];
            for (int i = 0; i < b; i++) {
                System.arraycopy(ids[i], 0, fi, i * t, t);
                System.arraycopy(mask[i], 0, fm, i * t, t);
            }
            NDList out = rm.forward(new ParameterStore(m, false),
                    new NDList(m.create(fi, new Shape(b, t)), m.create(fm, new Shape(b, t))), false);
            assertEquals(new Shape(b), out.singletonOrThrow().getShape());
            return out.singletonOrThrow().toFloatArray();
        }
    }
}
