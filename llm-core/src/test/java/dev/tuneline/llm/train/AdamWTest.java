package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdamW and global-norm clipping against plain-Java hand computations. */
class AdamWTest {
    static final double B1 = 0.9;
    static final double B2 = 0.999;
    static final double EPS = 1e-8;
    static final double WD = 0.1;

    static Parameter param(NDManager m, String name, float... values) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(values.length)).build();
        p.setInitializer(Initializer.ZEROS);
        p.initialize(m, DataType.FLOAT32);
        p.getArray().set(values);
        return p;
    }

    /** Backward of sum_p sum(p * c_p): the gradient of p is exactly c_p. */
    static void setGradients(NDManager base, Map<String, Parameter> params, Map<String, float[]> grads) {
        try (NDManager m = base.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray term = e.getValue().getArray().mul(m.create(grads.get(e.getKey()))).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }

    /** Plain-Java torch AdamW state of one tensor. */
    static final class Ref {
        final double[] w;
        final double[] m;
        final double[] v;
        final boolean decay;
        int t;

        Ref(float[] init, boolean decay) {
            w = new double[init.length];
            for (int i = 0; i < init.length; i++) {
                w[i] = init[i];
            }
            m = new double[init.length];
            v = new double[init.length];
            this.decay = decay;
        }

        void step(float[] g, double lr) {
            t++;
            double bc1 = 1 - Math.pow(B1, t);
            double bc2 = 1 - Math.pow(B2, t);
            for (int i = 0; i < w.length; i++) {
                if (decay) {
                    w[i] *= 1 - lr * WD;
                }
                m[i] = B1 * m[i] + (1 - B1) * g[i];
                v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
                w[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + EPS);
            }
        }
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 + 1e-6 * Math.abs(expected[i]), what + "[" + i + "]");
        }
    }

    @Test
    void twoStepsMatchHandComputationWithDecayOnlyOnWeights(@TempDir Path dir) throws Exception {
        float[] w0 = {0.5f, -1.25f, 2.0f};
        float[] b0 = {0.3f, -0.1f};
        float[] n0 = {1.0f, 0.9f};
        Map<String, float[]> g1 = Map.of("layer.weight", new float[] {0.2f, -0.05f, 1.5f}, "layer.bias",
                new float[] {-0.4f, 0.01f}, "final_layer_norm.weight", new float[] {0.7f, -0.3f});
        Map<String, float[]> g2 = Map.of("layer.weight", new float[] {-0.1f, 0.3f, 0.02f}, "layer.bias",
                new float[] {0.5f, 0.5f}, "final_layer_norm.weight", new float[] {0f, 2f});
        try (NDManager base = NDManager.newBaseManager()) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("layer.weight", param(base, "layer.weight", w0));
            params.put("layer.bias", param(base, "layer.bias", b0));
            params.put("final_layer_norm.weight", param(base, "final_layer_norm.weight", n0));
            Map<String, Ref> ref = Map.of("layer.weight", new Ref(w0, true), "layer.bias", new Ref(b0, false),
                    "final_layer_norm.weight", new Ref(n0, false));
            try (AdamW opt = new AdamW(params, WD, B1, B2, EPS)) {
                assertEquals(java.util.Set.of("layer.weight"), opt.decayedParameters());
                setGradients(base, params, g1);
                opt.step(0.1);
                ref.forEach((k, r) -> r.step(g1.get(k), 0.1));
                ref.forEach((k, r) -> assertClose(r.w, params.get(k).getArray().toFloatArray(), "step 1 " + k));
                opt.save(dir);

                setGradients(base, params, g2);
                opt.step(0.05);
                ref.forEach((k, r) -> r.step(g2.get(k), 0.05));
                ref.forEach((k, r) -> assertClose(r.w, params.get(k).getArray().toFloatArray(), "step 2 " + k));
                ref.forEach((k, r) -> assertClose(r.m, opt.firstMoment(k).toFloatArray(), "exp_avg " + k));
                ref.forEach((k, r) -> assertClose(r.v, opt.secondMoment(k).toFloatArray(), "exp_avg_sq " + k));
                assertEquals(2, opt.stepCount());
            }
        }
    }

    @Test
    void savedStateResumesExactly(@TempDir Path dir) throws Exception {
        float[] w0 = {0.5f, -1.25f};
        Map<String, float[]> g1 = Map.of("w", new float[] {0.2f, -0.05f});
        Map<String, float[]> g2 = Map.of("w", new float[] {-0.7f, 0.4f});
        float[] continued;
        float[] afterStep1;
        try (NDManager base = NDManager.newBaseManager()) {
            Map<String, Parameter> params = Map.of("w", param(base, "w", w0));
            try (AdamW opt = new AdamW(params, WD, B1, B2, EPS)) {
                setGradients(base, params, g1);
                opt.step(0.1);
                afterStep1 = params.get("w").getArray().toFloatArray();
                opt.save(dir);
                setGradients(base, params, g2);
                opt.step(0.1);
                continued = params.get("w").getArray().toFloatArray();
            }
        }
        try (NDManager base = NDManager.newBaseManager()) {
            Map<String, Parameter> params = Map.of("w", param(base, "w", afterStep1));
            try (AdamW opt = new AdamW(params, WD, B1, B2, EPS)) {
                opt.load(dir);
                assertEquals(1, opt.stepCount());
                setGradients(base, params, g2);
                opt.step(0.1);
                assertArrayEquals(continued, params.get("w").getArray().toFloatArray());
            }
        }
    }

    @Test
    void decayRuleByName() {
        Shape s = new Shape(4);
        for (String name : new String[] {"model.decoder.layers.0.self_attn.q_proj.bias", "transformer.h.0.ln_1.weight",
            "transformer.ln_f.weight", "model.decoder.final_layer_norm.weight",
            "model.decoder.layers.3.self_attn_layer_norm.weight", "encoder.LayerNorm.weight", "01LayerNorm_gamma",
            "base_model.model.score.bias"}) {
            assertFalse(AdamW.decays(name, s), name);
        }
        for (String name : new String[] {"model.decoder.embed_tokens.weight", "transformer.h.0.attn.c_attn.weight",
            "model.decoder.layers.0.self_attn.q_proj.lora_A.weight", "lm_head.weight", "score.weight",
            "transformer.wte.weight"}) {
            assertTrue(AdamW.decays(name, s), name);
        }
    }

    @Test
    void clipsByGlobalNormAndReturnsThePreClipNorm() {
        try (NDManager base = NDManager.newBaseManager()) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("a", param(base, "a", 1f, 1f, 1f));
            params.put("b", param(base, "b", 1f, 1f));
            Map<String, float[]> g = Map.of("a", new float[] {3f, 0f, 0f}, "b", new float[] {0f, -4f});
            setGradients(base, params, g);
            assertEquals(5.0, GradientClipper.clip(params.values(), 10.0), 1e-6); // below the limit: unchanged
            assertArrayEquals(new float[] {0f, -4f}, grad(params.get("b")));
            assertEquals(5.0, GradientClipper.clip(params.values(), 1.0), 1e-6);
            float coef = (float) (1.0 / (5.0 + 1e-6));
            assertArrayEquals(new float[] {3f * coef, 0f, 0f}, grad(params.get("a")), 1e-6f);
            assertArrayEquals(new float[] {0f, -4f * coef}, grad(params.get("b")), 1e-6f);
            assertEquals(1.0, GradientClipper.globalNorm(params.values()), 1e-5);
        }
    }

    static float[] grad(Parameter p) {
        try (NDManager m = p.getArray().getManager().newSubManager()) {
            return Gradients.of(p, m).toFloatArray();
        }
    }
}
