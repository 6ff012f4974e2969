package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What DJL's PyTorch engine does with gradients, and that our optimizer step zeroes them. */
class GradientAccumulationFactsTest {

    private static float[] grad(Parameter p) {
        try (NDManager m = p.getArray().getManager().newSubManager()) {
            return Gradients.of(p, m).toFloatArray();
        }
    }

    private static void backward(TinyLm lm, NDManager base) {
        try (NDManager m = base.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray ids = m.create(new long[][] {{1, 2, 3, 4}, {5, 6, 7, 0}});
            NDArray mask = m.create(new long[][] {{1, 1, 1, 1}, {1, 1, 1, 0}});
            NDArray labels = m.create(new long[][] {{1, 2, 3, 4}, {5, 6, 7, -100}});
            NDArray logits = lm.forward(new ParameterStore(m, false), new NDList(ids, mask), true).get(0);
            gc.backward(MaskedLmLoss.mean(logits, labels));
        }
    }

    @Test
    void backwardAccumulatesAndOnlyTheOptimizerStepZeroes() {
        try (NDManager base = NDManager.newBaseManager()) {
            TinyLm lm = TinyLm.create(base, 11, 8, 8, false, 3);
            Map<String, Parameter> params = lm.namedParameters();
            Parameter w = params.get("attn.q_proj.weight");
            assertTrue(w.getArray().hasGradient(), "initialised parameters require gradients");

            backward(lm, base);
            float[] once = grad(w);
            assertTrue(norm(once) > 0);
            backward(lm, base); // a new collector does not zero: grads add up
            float[] twice = grad(w);
            for (int i = 0; i < once.length; i++) {
                assertEquals(2 * once[i], twice[i], 1e-6f + 1e-5f * Math.abs(once[i]));
            }

            int before = base.getManagedArrays().size();
            try (AdamW opt = new AdamW(params, 0.1, 0.9, 0.999, 1e-8)) {
                opt.step(1e-3);
                for (Parameter p : params.values()) {
                    assertEquals(0.0, norm(grad(p)), 0.0, "gradient of " + p.getName() + " zeroed after step");
                }
                backward(lm, base);
                float[] fresh = grad(w);
                assertTrue(norm(fresh) > 0);
                opt.step(1e-3);
            }
            assertEquals(before, base.getManagedArrays().size(), "no handles leak into the model's manager");
        }
    }

    @Test
    void inPlaceUpdatesOutsideTheCollectorKeepTheSameTensor() {
        try (NDManager base = NDManager.newBaseManager()) {
            TinyLm lm = TinyLm.create(base, 11, 8, 8, false, 3);
            Parameter b = lm.namedParameters().get("lm_head.bias");
            NDArray array = b.getArray();
            backward(lm, base);
            try (AdamW opt = new AdamW(Map.of("lm_head.bias", b), 0, 0.9, 0.999, 1e-8)) {
                float[] before = array.toFloatArray();
                opt.step(0.5);
                assertTrue(array == b.getArray(), "the parameter keeps its array");
                float[] after = array.toFloatArray();
                assertTrue(!java.util.Arrays.equals(before, after));
                assertArrayEquals(after, b.getArray().toFloatArray());
            }
        }
    }

    static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v * (double) v;
        }
        return Math.sqrt(s);
    }
}
