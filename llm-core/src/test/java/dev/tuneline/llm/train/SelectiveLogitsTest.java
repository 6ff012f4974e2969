package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The LM head only at scored positions gives the full-logits loss and the same gradients for every parameter (with
 * dropout on: both paths draw the same random masks), for GPT-2, pre-LN OPT and post-LN OPT with project_out.
 */
class SelectiveLogitsTest {

    static Stream<LmConfig> configs() {
        return Stream.of(LmConfig.tinyGpt2(AccumulationTest.V),
                LmConfig.tinyOpt(AccumulationTest.V),
                LmConfig.tinyOpt(AccumulationTest.V).toBuilder().optDoLayerNormBefore(false).optWordEmbedProjDim(8)
                        .build());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void sameLossAndGradientsAsFullLogits(LmConfig config) {
        try (NDManager base = NDManager.newBaseManager()) {
            CausalLm model = Checkpoints.create(config, base, 3);
            // prompts of different lengths (-100), right padding, a row with one target
            TokenBatch batch = AccumulationTest.rows(0, 8, 5);
            TokenBatch empty = new TokenBatch(new int[][] {{1, 2, 3}}, new int[][] {{-100, -100, -100}},
                    new int[][] {{1, 1, 1}});
            try (SftTrainer trainer = SftTrainer.of(model, AccumulationTest.config(8, 1))) {
                Map<String, Parameter> params = trainer.trainableParameters();
                Engine.getInstance().setRandomSeed(42);
                double selective = trainer.backwardWindow(List.of(batch), batch.targetTokens());
                Map<String, float[]> gSelective = AccumulationTest.grads(params);
                trainer.optimizer().zeroGradients();

                trainer.withFullLogits();
                Engine.getInstance().setRandomSeed(42);
                double full = trainer.backwardWindow(List.of(batch), batch.targetTokens());
                Map<String, float[]> gFull = AccumulationTest.grads(params);
                trainer.optimizer().zeroGradients();

                assertTrue(full > 1, "a real loss: " + full);
                assertEquals(full, selective, 1e-5 * full);
                assertEquals(gFull.keySet(), gSelective.keySet());
                for (String k : gFull.keySet()) {
                    float[] a = gFull.get(k);
                    float[] b = gSelective.get(k);
                    double scale = GradientAccumulationFactsTest.norm(a) / Math.sqrt(a.length) + 1e-8;
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 1e-4 * scale + 1e-7, k + "[" + i + "]");
                    }
                }
            }
            // a micro-batch with nothing to score adds 0 and no gradient, and backward still works
            try (SftTrainer trainer = SftTrainer.of(model, AccumulationTest.config(1, 1))) {
                assertEquals(0.0, trainer.backwardWindow(List.of(empty), 1), 0.0);
                for (float[] g : AccumulationTest.grads(trainer.trainableParameters()).values()) {
                    for (float x : g) {
                        assertEquals(0f, x, 0f);
                    }
                }
            }
        }
    }
}
