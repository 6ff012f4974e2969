package dev.tuneline.llm.model;

import static dev.tuneline.llm.model.ModelTestUtil.flatten;
import static dev.tuneline.llm.model.ModelTestUtil.logits;
import static dev.tuneline.llm.model.ModelTestUtil.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Logits of the DJL models equal an independent plain-Java forward pass: the HF tiny random GPT-2
 * checkpoint, and OPT in its pre-LN / post-LN and project_in/out variants (no HF reference file
 * exists for post-LN here, so the reference is written from HF's definition).
 */
class ReferenceForwardTest extends ManagedTest {


    @Test
    void tinyGpt2CheckpointMatchesPlainJavaReference() throws Exception {
        var dir = SharedData.path("models/tiny-gpt2-random");
        CausalLm model = Checkpoints.loadCausalLm(dir, manager);
        assertTrue(model instanceof Gpt2ForCausalLm);
        assertEquals(2, model.config().hiddenSize());
        assertEquals(1, model.config().numLayers());
        // weights for the reference come from the file through a separate minimal reader
        Map<String, float[]> w = ModelTestUtil.readSafetensorsIndependently(dir.resolve("model.safetensors"));
        assertNull(w.get("lm_head.weight"), "tied head is not stored");
        ReferenceLm ref = new ReferenceLm(model.config(), w);
        int[] ids = {15496, 11, 616, 3290, 318, 13779}; // "Hello, my dog is cute"
        float[] want = flatten(ref.logits(ids));
        float[] got = logits(model, manager, toLong(ids));
        double diff = maxAbsDiff(want, got);
        assertTrue(diff < 1e-6, "max |logit diff| = " + diff);
        assertTrue(maxAbs(want) > 1e-3, "reference logits are not trivially zero");
    }

    @ParameterizedTest(name = "GPT-2 hidden 64, 2 layers, inverse-layer scaling {0}")
    @CsvSource({"false", "true"})
    void randomGpt2MatchesReference(boolean inverseLayerScale) {
        LmConfig c = LmConfig.tinyGpt2(300).toBuilder().optScaleAttnByInverseLayerIdx(inverseLayerScale)
                .optInitStd(0.3f).build(); // large weights: activations in the non-linear range
        CausalLm model = Checkpoints.create(c, manager, 7);
        ReferenceLm ref = new ReferenceLm(c, ModelTestUtil.weights(model.hfParameters()));
        int[] ids = {5, 17, 299, 0, 42, 42, 8, 150, 3};
        double diff = maxAbsDiff(flatten(ref.logits(ids)), logits(model, manager, toLong(ids)));
        assertTrue(diff < 1e-4, "max |logit diff| = " + diff);
    }

    @ParameterizedTest(name = "OPT preLN={0} wordEmbedProjDim={1} finalLN={2} bias={3}")
    @CsvSource({
        "true, 64, true, true",
        "false, 64, true, true",
        "false, 32, true, true",   // opt-350m shape: post-LN with project_in/out
        "true, 32, true, true",
        "true, 64, false, true",   // _remove_final_layer_norm
        "true, 64, true, false"    // enable_bias=false
    })
    void optVariantsMatchReference(boolean preLn, int proj, boolean finalLn, boolean bias) {
        LmConfig c = LmConfig.tinyOpt(400).toBuilder()
                .optDoLayerNormBefore(preLn).optWordEmbedProjDim(proj)
                .optFinalLayerNorm(finalLn).optEnableBias(bias).optInitStd(0.2f).build();
        CausalLm model = Checkpoints.create(c, manager, 11);
        var params = model.hfParameters();
        assertEquals(proj != 64, params.containsKey("model.decoder.project_in.weight"));
        assertEquals(proj != 64, params.containsKey("model.decoder.project_out.weight"));
        assertEquals(preLn && finalLn, params.containsKey("model.decoder.final_layer_norm.weight"));
        assertEquals(bias, params.containsKey("model.decoder.layers.0.fc1.bias"));
        assertNotNull(params.get("model.decoder.embed_positions.weight"));
        assertEquals(c.maxPositions() + 2, params.get("model.decoder.embed_positions.weight").getShape().get(0));
        ReferenceLm ref = new ReferenceLm(c, ModelTestUtil.weights(params));
        int[] ids = {2, 17, 399, 1, 42, 42, 8, 150, 3, 77, 2};
        double diff = maxAbsDiff(flatten(ref.logits(ids)), logits(model, manager, toLong(ids)));
        assertTrue(diff < 1e-4, "max |logit diff| = " + diff);
    }

    static long[] toLong(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return l;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float f : a) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
