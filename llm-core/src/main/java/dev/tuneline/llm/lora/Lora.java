package dev.tuneline.llm.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.HfLinear;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.model.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * LoRA on Tuneline models, compatible with PEFT: {@link #apply} wraps the targeted layers and
 * freezes the base; {@link #saveAdapters} / {@link #loadAdapters} use PEFT's files
 * ({@code adapter_config.json}, {@code adapter_model.safetensors} with keys such as
 * {@code base_model.model.model.decoder.layers.0.self_attn.q_proj.lora_A.weight}); {@link #merge}
 * folds {@code W += (alpha / r) B A} into the base weights.
 *
 * <p>On a {@link RewardModel} the {@code score} head stays trainable and is saved with the adapters,
 * as PEFT does for {@code task_type=SEQ_CLS} ({@code modules_to_save}).
 */
public final class Lora {

    /** PEFT's adapter config file. */
    public static final String CONFIG_FILE = "adapter_config.json";
    /** PEFT's adapter weights file. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    private static final String PEFT_PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Lora() {}

    /**
     * Adds LoRA adapters to every layer matching {@code config.targetModules()} and freezes all base
     * parameters (except a reward model's {@code score}). A is drawn as PEFT does
     * (kaiming-uniform with a = sqrt(5): U(-1/sqrt(in), 1/sqrt(in))) from {@code seed}; B is zero,
     * so the model's outputs are unchanged until training moves B.
     *
     * @return the wrapped layers by module path
     */
    public static LinkedHashMap<String, HfLinear> apply(Block model, LoraConfig config, long seed) {
        Target t = Target.of(model);
        if (!adapted(t).isEmpty()) {
            throw new IllegalStateException("the model already has LoRA adapters");
        }
        LinkedHashMap<String, HfLinear> targets = new LinkedHashMap<>();
        TreeSet<String> leafNames = new TreeSet<>();
        for (Map.Entry<String, HfLinear> e : t.linears.entrySet()) {
            String path = e.getKey();
            leafNames.add(path.substring(path.lastIndexOf('.') + 1));
            if (!path.equals("score") && config.matches(path)) {
                targets.put(path, e.getValue());
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no layer matches target_modules " + config.targetModules()
                    + "; layer names of this " + t.config.architecture() + " model: " + leafNames);
        }
        for (Parameter p : t.allParameters().values()) {
            p.freeze(true);
        }
        if (t.reward != null) {
            t.reward.score().weight().freeze(false);
        }
        for (Map.Entry<String, HfLinear> e : targets.entrySet()) {
            HfLinear layer = e.getValue();
            LoraAdapter adapter = new LoraAdapter(layer.inFeatures(), layer.outFeatures(), config);
            double bound = 1.0 / Math.sqrt(layer.inFeatures());
            long layerSeed = seed * 0x9E3779B97F4A7C15L + e.getKey().hashCode();
            adapter.loraA().setInitializer((m, s, dt) -> uniform(m, s, bound, layerSeed));
            adapter.loraB().setInitializer((m, s, dt) -> m.zeros(s, dt));
            NDManager manager = layer.weight().getArray().getManager();
            adapter.initialize(manager, DataType.FLOAT32, new Shape(1, layer.inFeatures()));
            layer.setAdapter(adapter);
        }
        return targets;
    }

    private static NDArray uniform(NDManager m, Shape s, double bound, long seed) {
        float[] v = new float[Math.toIntExact(s.size())];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return m.create(v, s);
    }

    /** Parameters that currently require gradients, by name (adapters and, for reward models, {@code score.weight}). */
    public static LinkedHashMap<String, Parameter> trainableParameters(Block model) {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        Target.of(model).allParameters().forEach((k, p) -> {
            if (p.requiresGradient()) {
                out.put(k, p);
            }
        });
        return out;
    }

    /** Writes PEFT's {@code adapter_config.json} and {@code adapter_model.safetensors} to {@code dir}. */
    public static void saveAdapters(Block model, Path dir) {
        Target t = Target.of(model);
        LinkedHashMap<String, LoraAdapter> adapters = adapted(t);
        if (adapters.isEmpty()) {
            throw new IllegalStateException("the model has no LoRA adapters to save");
        }
        LoraConfig c = adapters.values().iterator().next().config();
        boolean fanInFanOut = t.config.architecture() == LmConfig.Architecture.GPT2;
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        adapters.forEach((path, a) -> {
            tensors.put(PEFT_PREFIX + path + ".lora_A.weight", a.loraA().getArray());
            tensors.put(PEFT_PREFIX + path + ".lora_B.weight", a.loraB().getArray());
        });
        if (t.reward != null) {
            tensors.put(PEFT_PREFIX + "score.weight", t.reward.score().weight().getArray());
        }
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("peft_type", "LORA");
        cfg.put("task_type", t.reward != null ? "SEQ_CLS" : "CAUSAL_LM");
        cfg.put("r", c.r());
        cfg.put("lora_alpha", c.alpha());
        cfg.put("lora_dropout", c.dropout());
        ArrayNode targets = cfg.putArray("target_modules");
        c.targetModules().forEach(targets::add);
        cfg.put("fan_in_fan_out", fanInFanOut);
        cfg.put("bias", "none");
        if (t.reward != null) {
            cfg.putArray("modules_to_save").add("classifier").add("score");
        } else {
            cfg.putNull("modules_to_save");
        }
        cfg.put("init_lora_weights", true);
        cfg.put("inference_mode", true);
        cfg.put("use_rslora", false);
        cfg.put("use_dora", false);
        cfg.putNull("layers_to_transform");
        cfg.putNull("layers_pattern");
        cfg.putObject("rank_pattern");
        cfg.putObject("alpha_pattern");
        cfg.putNull("base_model_name_or_path");
        cfg.putNull("revision");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(CONFIG_FILE), JSON.writeValueAsString(cfg), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write adapters to " + dir, e);
        }
        SafeTensors.write(dir.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
    }

    /**
     * Reads PEFT adapters from {@code dir} into {@code model}: applies LoRA with the saved config when
     * the model has no adapters yet, then sets every adapter (and a saved {@code score.weight}).
     * Unknown or missing tensors and shape mismatches are errors naming them.
     */
    public static void loadAdapters(Block model, Path dir) {
        Target t = Target.of(model);
        LoraConfig config = readConfig(dir.resolve(CONFIG_FILE));
        if (adapted(t).isEmpty()) {
            apply(model, config, 0L);
        }
        LinkedHashMap<String, Parameter> expected = new LinkedHashMap<>();
        adapted(t).forEach((path, a) -> {
            expected.put(PEFT_PREFIX + path + ".lora_A.weight", a.loraA());
            expected.put(PEFT_PREFIX + path + ".lora_B.weight", a.loraB());
        });
        var entries = SafeTensors.readHeader(dir.resolve(WEIGHTS_FILE));
        List<String> unknown = new ArrayList<>();
        Map<String, Parameter> bound = new LinkedHashMap<>();
        for (String name : entries.keySet()) {
            // PEFT may keep the adapter name in keys (".lora_A.default.weight"): accept both
            String key = name.replace(".default.weight", ".weight");
            if (expected.containsKey(key)) {
                bound.put(name, expected.get(key));
            } else if (t.reward != null && key.equals(PEFT_PREFIX + "score.weight")) {
                bound.put(name, t.reward.score().weight());
            } else {
                unknown.add(name);
            }
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : expected.entrySet()) {
            if (!bound.containsValue(e.getValue())) {
                missing.add(e.getKey());
            }
        }
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            throw new IllegalArgumentException(dir + ": adapters do not match the model; missing " + missing
                    + ", unknown " + unknown);
        }
        for (Map.Entry<String, Parameter> e : bound.entrySet()) {
            Parameter p = e.getValue();
            var entry = entries.get(e.getKey());
            if (!p.getShape().equals(entry.shape())) {
                throw new IllegalArgumentException(dir + ": '" + e.getKey() + "' has shape " + entry.shape()
                        + " but the model needs " + p.getShape());
            }
            NDArray target = p.getArray();
            try (NDArray src = SafeTensors.read(entry, target.getManager())) {
                boolean grad = p.requiresGradient();
                p.freeze(true);          // in-place copy into a leaf needs no grad tracking
                target.set(src.toByteBuffer());
                p.freeze(!grad);
            }
        }
    }

    /** Reads PEFT's {@code adapter_config.json} (peft_type LORA). */
    public static LoraConfig readConfig(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        if (!"LORA".equals(n.path("peft_type").asText())) {
            throw new IllegalArgumentException(file + ": peft_type is '" + n.path("peft_type").asText() + "', not LORA");
        }
        if (n.path("use_dora").asBoolean(false) || n.path("use_rslora").asBoolean(false)) {
            throw new IllegalArgumentException(file + ": DoRA / rsLoRA adapters are not supported");
        }
        if (n.path("rank_pattern").size() > 0 || n.path("alpha_pattern").size() > 0) {
            throw new IllegalArgumentException(file + ": per-layer rank/alpha patterns are not supported");
        }
        List<String> targets = new ArrayList<>();
        JsonNode tm = n.path("target_modules");
        if (tm.isArray()) {
            tm.forEach(x -> targets.add(x.asText()));
        } else if (tm.isTextual()) {
            throw new IllegalArgumentException(file + ": a regular-expression target_modules is not supported");
        }
        return new LoraConfig(n.path("r").asInt(8), (float) n.path("lora_alpha").asDouble(8),
                (float) n.path("lora_dropout").asDouble(0), targets);
    }

    /**
     * Folds every adapter into its base weight ({@code W += (alpha / r) B A}, transposed for GPT-2's
     * Conv1D layout), removes the adapters and makes all parameters trainable again: the model is a
     * plain checkpoint that {@code Checkpoints.save} writes.
     */
    public static void merge(Block model) {
        Target t = Target.of(model);
        for (Map.Entry<String, HfLinear> e : t.linears.entrySet()) {
            HfLinear layer = e.getValue();
            if (layer.adapter() != null) {
                layer.weight().freeze(true); // in-place update of a leaf
                layer.mergeAdapter();
            }
        }
        for (Parameter p : t.allParameters().values()) {
            p.freeze(false);
        }
    }

    /** The LoRA adapters of a model by module path. */
    public static LinkedHashMap<String, LoraAdapter> adapters(Block model) {
        return adapted(Target.of(model));
    }

    private static LinkedHashMap<String, LoraAdapter> adapted(Target t) {
        LinkedHashMap<String, LoraAdapter> out = new LinkedHashMap<>();
        t.linears.forEach((path, layer) -> {
            if (layer.adapter() instanceof LoraAdapter) {
                out.put(path, (LoraAdapter) layer.adapter());
            }
        });
        return out;
    }

    /** A causal LM or reward model, seen through its layers and parameters. */
    private static final class Target {
        final LinkedHashMap<String, HfLinear> linears;
        final CausalLm lm;
        final RewardModel reward;
        final LmConfig config;

        private Target(CausalLm lm, RewardModel reward) {
            this.lm = lm;
            this.reward = reward;
            this.linears = reward != null ? reward.linearLayers() : lm.linearLayers();
            this.config = reward != null ? reward.config() : lm.config();
        }

        static Target of(Block model) {
            if (model instanceof CausalLm) {
                return new Target((CausalLm) model, null);
            }
            if (model instanceof RewardModel) {
                return new Target(null, (RewardModel) model);
            }
            throw new IllegalArgumentException("LoRA works on CausalLm and RewardModel, not "
                    + (model == null ? "null" : model.getClass().getName()));
        }

        LinkedHashMap<String, Parameter> allParameters() {
            return reward != null ? reward.namedParameters() : lm.namedParameters();
        }
    }
}
