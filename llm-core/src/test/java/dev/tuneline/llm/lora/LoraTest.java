package dev.tuneline.llm.lora;

import static dev.tuneline.llm.model.ModelTestUtil.logits;
import static dev.tuneline.llm.model.ModelTestUtil.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.ManagedTest;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.model.SafeTensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA: PEFT-like init, frozen base, merge = adapters, PEFT file layout, reward models. */
class LoraTest extends ManagedTest {

    private static final long[] IDS = {2, 17, 120, 5, 5, 299, 64};

    private static CausalLm opt(long seed) {
        return Checkpoints.create(LmConfig.tinyOpt(300).toBuilder().optInitStd(0.1f).build(), manager, seed);
    }

    /** Stands in for training: gives every lora_B random values. */
    private static void perturbB(Map<String, LoraAdapter> adapters, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (LoraAdapter a : adapters.values()) {
            Parameter b = a.loraB();
            float[] v = new float[(int) b.getShape().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 0.05);
            }
            b.freeze(true);
            b.getArray().set(v);
            b.freeze(false);
        }
    }

    @Test
    void applyWrapsTargetsFreezesBaseAndStartsAsIdentity() {
        CausalLm model = opt(1);
        float[] before = logits(model, manager, IDS);
        var wrapped = Lora.apply(model, LoraConfig.defaults(), 42);
        assertEquals(java.util.Set.of("model.decoder.layers.0.self_attn.q_proj", "model.decoder.layers.0.self_attn.v_proj",
                "model.decoder.layers.1.self_attn.q_proj", "model.decoder.layers.1.self_attn.v_proj"),
                wrapped.keySet());
        var trainable = Lora.trainableParameters(model);
        assertEquals(8, trainable.size());
        assertTrue(trainable.containsKey("model.decoder.layers.0.self_attn.q_proj.lora_A.weight"));
        assertTrue(trainable.containsKey("model.decoder.layers.1.self_attn.v_proj.lora_B.weight"));
        assertEquals(new Shape(16, 64), trainable.get("model.decoder.layers.0.self_attn.q_proj.lora_A.weight").getShape());
        assertEquals(new Shape(64, 16), trainable.get("model.decoder.layers.0.self_attn.q_proj.lora_B.weight").getShape());
        for (Parameter p : model.hfParameters().values()) {
            assertFalse(p.requiresGradient(), "base parameter frozen: " + p.getName());
        }
        assertArrayEquals(before, logits(model, manager, IDS), "B = 0: outputs unchanged");

        float[] a = trainable.get("model.decoder.layers.0.self_attn.q_proj.lora_A.weight").getArray().toFloatArray();
        double bound = 1 / Math.sqrt(64);
        double sq = 0;
        for (float f : a) {
            assertTrue(Math.abs(f) <= bound, "kaiming-uniform bound");
            sq += f * f;
        }
        double std = Math.sqrt(sq / a.length);
        assertEquals(bound / Math.sqrt(3), std, 0.1 * bound / Math.sqrt(3), "uniform std");
        float[] b = trainable.get("model.decoder.layers.0.self_attn.q_proj.lora_B.weight").getArray().toFloatArray();
        for (float f : b) {
            assertEquals(0f, f);
        }
        assertThrows(IllegalArgumentException.class,
                () -> Lora.apply(opt(2), new LoraConfig(8, 16, 0, List.of("c_attn")), 1));
    }

    @Test
    void gradientsReachAdaptersOnly() {
        CausalLm model = opt(3);
        Lora.apply(model, LoraConfig.defaults(), 7);
        try (NDManager m = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray ids = m.create(IDS, new Shape(1, IDS.length));
            NDArray mask = m.ones(new Shape(1, IDS.length), ai.djl.ndarray.types.DataType.INT64);
            NDArray out = model.forward(new ParameterStore(m, false), new NDList(ids, mask), true).singletonOrThrow();
            gc.backward(out.logSoftmax(-1).get(":, :, 5").sum());
            var trainable = Lora.trainableParameters(model);
            NDArray gB = trainable.get("model.decoder.layers.0.self_attn.q_proj.lora_B.weight").getArray().getGradient();
            assertTrue(gB.abs().sum().getFloat() > 0, "lora_B receives gradient");
            Parameter base = model.hfParameters().get("model.decoder.layers.0.self_attn.q_proj.weight");
            assertFalse(base.getArray().hasGradient(), "frozen base has no gradient");
        }
    }

    @Test
    void mergedModelEqualsAdapterModelAndSavesAsPlainCheckpoint(@TempDir Path dir) {
        CausalLm model = opt(4);
        var adapters = Lora.adapters(model);
        assertTrue(adapters.isEmpty());
        Lora.apply(model, new LoraConfig(4, 8, 0.05f, List.of("q_proj", "v_proj", "fc1")), 9);
        perturbB(Lora.adapters(model), 11);
        float[] withAdapters = logits(model, manager, IDS);
        assertTrue(maxAbsDiff(withAdapters, logits(opt(4), manager, IDS)) > 1e-3, "adapters change the output");
        assertThrows(IllegalStateException.class, () -> Checkpoints.save(model, dir));
        Lora.merge(model);
        assertTrue(Lora.adapters(model).isEmpty());
        float[] merged = logits(model, manager, IDS);
        assertTrue(maxAbsDiff(withAdapters, merged) < 1e-5, "merge = base + (alpha/r) B A: " + maxAbsDiff(withAdapters, merged));
        Checkpoints.save(model, dir);
        assertArrayEquals(merged, logits(Checkpoints.loadCausalLm(dir, manager), manager, IDS));
    }

    @Test
    void gpt2ConvLayoutMergesTransposed() {
        LmConfig c = LmConfig.tinyGpt2(300).toBuilder().optInitStd(0.1f).build();
        CausalLm model = Checkpoints.create(c, manager, 5);
        Lora.apply(model, new LoraConfig(8, 32, 0.1f, List.of("c_attn")), 3);
        var adapters = Lora.adapters(model);
        assertEquals(List.of("transformer.h.0.attn.c_attn", "transformer.h.1.attn.c_attn"), List.copyOf(adapters.keySet()));
        assertEquals(new Shape(192, 8), adapters.get("transformer.h.0.attn.c_attn").loraB().getShape());
        perturbB(adapters, 12);
        float[] withAdapters = logits(model, manager, IDS);
        Lora.merge(model);
        assertTrue(maxAbsDiff(withAdapters, logits(model, manager, IDS)) < 1e-5);
    }

    @Test
    void adaptersSaveInPeftLayoutAndReload(@TempDir Path dir) throws Exception {
        CausalLm model = opt(6);
        Lora.apply(model, LoraConfig.defaults(), 13);
        perturbB(Lora.adapters(model), 14);
        float[] want = logits(model, manager, IDS);
        Lora.saveAdapters(model, dir);
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
        assertEquals(16, cfg.get("r").asInt());
        assertEquals(32, cfg.get("lora_alpha").asInt());
        assertEquals(0.05, cfg.get("lora_dropout").asDouble(), 1e-6);
        var keys = SafeTensors.readHeader(dir.resolve("adapter_model.safetensors")).keySet();
        assertEquals(8, keys.size());
        assertTrue(keys.contains("base_model.model.model.decoder.layers.0.self_attn.q_proj.lora_A.weight"), keys.toString());
        assertTrue(keys.contains("base_model.model.model.decoder.layers.1.self_attn.v_proj.lora_B.weight"));

        CausalLm fresh = opt(6);
        Lora.loadAdapters(fresh, dir);
        assertArrayEquals(want, logits(fresh, manager, IDS));
        assertEquals(8, Lora.trainableParameters(fresh).size());
    }

    @Test
    void rewardModelKeepsScoreTrainableAndSavesIt(@TempDir Path dir) {
        LmConfig c = LmConfig.tinyGpt2(300).toBuilder().optPadTokenId(299).optInitStd(0.1f).build();
        RewardModel rm = Checkpoints.createReward(c, manager, 15);
        Lora.apply(rm, new LoraConfig(8, 32, 0.1f, List.of("c_attn")), 16);
        var trainable = Lora.trainableParameters(rm);
        assertTrue(trainable.containsKey("score.weight"));
        assertEquals(5, trainable.size());
        perturbB(Lora.adapters(rm), 17);
        Lora.saveAdapters(rm, dir);
        assertTrue(SafeTensors.readHeader(dir.resolve("adapter_model.safetensors")).containsKey("base_model.model.score.weight"));
        float[] want = rewards(rm);

        RewardModel fresh = Checkpoints.createReward(c, manager, 15);
        fresh.score().weight().freeze(true);
        fresh.score().weight().getArray().set(new float[(int) fresh.score().weight().getShape().size()]);
        Lora.loadAdapters(fresh, dir);
        assertArrayEquals(want, rewards(fresh), "adapters + saved score head reproduce the rewards");
        Lora.merge(fresh);
        float[] merged = rewards(fresh);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], merged[i], 1e-5);
        }
    }

    private static float[] rewards(RewardModel rm) {
        try (NDManager m = manager.newSubManager()) {
            NDArray ids = m.create(new long[] {1, 2, 3, 4, 0, 7, 8, 9, 10, 11}, new Shape(2, 5));
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 0, 1, 1, 1, 1, 1}, new Shape(2, 5));
            return rm.forward(new ParameterStore(m, false), new NDList(ids, mask), false).singletonOrThrow().toFloatArray();
        }
    }
}
