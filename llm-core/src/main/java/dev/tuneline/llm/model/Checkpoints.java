package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * HuggingFace checkpoints in and out: {@code config.json} + {@code model.safetensors} (or sharded
 * {@code model.safetensors.index.json}), HF parameter names with their {@code model.decoder.} /
 * {@code transformer.} prefixes, tied {@code lm_head.weight} omitted. Also random init as HF does.
 */
public final class Checkpoints {

    /** Name of the single-file weights. */
    public static final String WEIGHTS = "model.safetensors";
    /** Name of the shard index. */
    public static final String INDEX = "model.safetensors.index.json";
    /** Tokenizer files copied by {@link #copyTokenizerFiles}. */
    public static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json",
            "merges.txt", "added_tokens.json");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** GPT-2 attention buffers saved by old checkpoints (causal mask), not parameters. */
    private static final Pattern GPT2_BUFFER = Pattern.compile("(^|\\.)h\\.\\d+\\.attn\\.(bias|masked_bias)$");

    private Checkpoints() {}

    // ------------------------------------------------------------------ load

    /** Loads an {@code OPTForCausalLM} / {@code GPT2LMHeadModel} checkpoint directory. */
    public static CausalLm loadCausalLm(Path dir, NDManager manager) {
        LmConfig config = LmConfig.fromHfConfig(dir.resolve("config.json"));
        CausalLm model = CausalLm.of(config);
        Map<String, SafeTensors.Entry> tensors = tensorIndex(dir);
        bind(dir, model.hfParameters(), tensors, config, model.hfPrefix(), false, 0L);
        initialize(model, manager);
        return model;
    }

    /**
     * Loads a reward model: a {@code *ForSequenceClassification} checkpoint with {@code score.weight}
     * (num_labels 1), or a causal-LM checkpoint whose new {@code score} head is initialised as HF does
     * (normal, std = init_std) from seed 0.
     */
    public static RewardModel loadRewardModel(Path dir, NDManager manager) {
        return loadRewardModel(dir, manager, 0L);
    }

    /** {@link #loadRewardModel(Path, NDManager)} with the seed of a newly initialised head. */
    public static RewardModel loadRewardModel(Path dir, NDManager manager, long headSeed) {
        JsonNode raw = readJson(dir.resolve("config.json"));
        int labels = raw.has("id2label") ? raw.get("id2label").size() : raw.path("num_labels").asInt(1);
        String arch = raw.path("architectures").path(0).asText("");
        boolean seqCls = arch.endsWith("ForSequenceClassification");
        if (seqCls && labels != 1) {
            throw new IllegalArgumentException(dir + ": " + arch + " has " + labels
                    + " labels; a reward model needs num_labels = 1");
        }
        LmConfig config = LmConfig.fromHfConfig(raw, dir.resolve("config.json").toString());
        RewardModel model = new RewardModel(config);
        Map<String, SafeTensors.Entry> tensors = tensorIndex(dir);
        bind(dir, model.hfParameters(), tensors, config, model.backbone().hfPrefix(), true, headSeed);
        initialize(model, manager);
        return model;
    }

    /** Random init as HF {@code _init_weights}: normal(0, std) weights, zero biases, unit norms. */
    public static CausalLm create(LmConfig config, NDManager manager, long seed) {
        CausalLm model = CausalLm.of(config);
        randomInit(model.hfParameters(), config, seed);
        initialize(model, manager);
        return model;
    }

    /** A randomly initialised reward model (backbone and head). */
    public static RewardModel createReward(LmConfig config, NDManager manager, long seed) {
        RewardModel model = new RewardModel(config);
        randomInit(model.hfParameters(), config, seed);
        initialize(model, manager);
        return model;
    }

    /** A reward model on the weights of an existing causal LM (arrays copied) with a new random head. */
    public static RewardModel rewardFromCausalLm(CausalLm lm, NDManager manager, long headSeed) {
        RewardModel model = new RewardModel(lm.config());
        LinkedHashMap<String, Parameter> source = lm.hfParameters();
        for (Map.Entry<String, Parameter> e : model.hfParameters().entrySet()) {
            Parameter src = source.get(e.getKey());
            if (src != null) {
                NDArray a = src.getArray();
                e.getValue().setInitializer((m, s, t) -> {
                    NDArray copy = a.duplicate();
                    copy.attach(m);
                    return copy;
                });
            } else {
                setRandom(e.getKey(), e.getValue(), lm.config(), headSeed);
            }
        }
        initialize(model, manager);
        return model;
    }

    private static void initialize(AbstractHfBlock model, NDManager manager) {
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
    }

    /** Every tensor of the checkpoint (single file or shards) by its name in the file. */
    static Map<String, SafeTensors.Entry> tensorIndex(Path dir) {
        Path single = dir.resolve(WEIGHTS);
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(single)) {
            return SafeTensors.readHeader(single);
        }
        if (Files.isRegularFile(index)) {
            JsonNode map = readJson(index).path("weight_map");
            if (!map.isObject() || map.size() == 0) {
                throw new IllegalArgumentException(index + " has no weight_map");
            }
            Map<String, SafeTensors.Entry> all = new LinkedHashMap<>();
            Map<String, Map<String, SafeTensors.Entry>> shards = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String shard = e.getValue().asText();
                Map<String, SafeTensors.Entry> header = shards.computeIfAbsent(shard, s -> {
                    Path p = dir.resolve(s);
                    if (!Files.isRegularFile(p)) {
                        throw new IllegalArgumentException(index + " names shard " + s + " which does not exist");
                    }
                    return SafeTensors.readHeader(p);
                });
                SafeTensors.Entry entry = header.get(e.getKey());
                if (entry == null) {
                    throw new IllegalArgumentException(index + " maps '" + e.getKey() + "' to " + shard
                            + " but that shard has no such tensor");
                }
                all.put(e.getKey(), entry);
            }
            return all;
        }
        if (Files.exists(dir.resolve("pytorch_model.bin")) || Files.exists(dir.resolve("pytorch_model.bin.index.json"))) {
            throw new IllegalArgumentException(dir + " holds pytorch_model.bin only; Tuneline reads safetensors. "
                    + "Convert it once in Python: AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)");
        }
        throw new IllegalArgumentException(dir + " has neither " + WEIGHTS + " nor " + INDEX);
    }

    /**
     * Matches file tensors to model parameters and sets each parameter's initializer to read its
     * tensor. Accepts names with or without the backbone prefix ({@code model.decoder.}, {@code decoder.},
     * {@code transformer.}), ignores a tied {@code lm_head.weight} and GPT-2 mask buffers; anything
     * else unknown, any missing name or any shape mismatch is an error naming the tensors.
     */
    private static void bind(Path dir, LinkedHashMap<String, Parameter> params, Map<String, SafeTensors.Entry> tensors,
            LmConfig config, String prefix, boolean reward, long headSeed) {
        Map<String, SafeTensors.Entry> byParam = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (SafeTensors.Entry e : tensors.values()) {
            String name = canonicalName(e.name(), prefix, config);
            if (params.containsKey(name)) {
                if (byParam.put(name, e) != null) {
                    throw new IllegalArgumentException(dir + ": parameter '" + name + "' appears twice (as '"
                            + e.name() + "' and another prefix)");
                }
            } else if (isIgnorable(name, config, reward)) {
                continue;
            } else {
                unknown.add(e.name());
            }
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Parameter> p : params.entrySet()) {
            if (!byParam.containsKey(p.getKey())) {
                if (reward && p.getKey().equals("score.weight")) {
                    setRandom(p.getKey(), p.getValue(), config, headSeed); // causal-LM checkpoint: new head
                } else {
                    missing.add(p.getKey());
                }
            }
        }
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            StringBuilder sb = new StringBuilder(dir + " does not match a " + config.architecture() + " model of its config:");
            if (!missing.isEmpty()) {
                sb.append(" missing ").append(missing.size()).append(" tensor(s) ").append(head(missing));
            }
            if (!unknown.isEmpty()) {
                sb.append(" unknown ").append(unknown.size()).append(" tensor(s) ").append(head(unknown));
            }
            throw new IllegalArgumentException(sb.toString());
        }
        for (Map.Entry<String, SafeTensors.Entry> b : byParam.entrySet()) {
            Parameter p = params.get(b.getKey());
            SafeTensors.Entry e = b.getValue();
            if (!p.getShape().equals(e.shape())) {
                throw new IllegalArgumentException(dir + ": tensor '" + e.name() + "' has shape " + e.shape()
                        + " but parameter '" + b.getKey() + "' needs " + p.getShape());
            }
            p.setInitializer((m, s, t) -> SafeTensors.read(e, m));
        }
    }

    private static List<String> head(List<String> names) {
        return names.size() <= 20 ? names : names.subList(0, 20);
    }

    /** Maps a file name to the model's HF name (adds the prefix when a checkpoint was saved without it). */
    static String canonicalName(String name, String prefix, LmConfig config) {
        if (name.startsWith(prefix) || name.equals("score.weight") || name.startsWith("lm_head.")) {
            return name;
        }
        if (config.architecture() == LmConfig.Architecture.OPT && name.startsWith("decoder.")) {
            return "model." + name;
        }
        if (config.architecture() == LmConfig.Architecture.GPT2 && !name.contains("transformer.")) {
            return prefix + name;
        }
        return name;
    }

    private static boolean isIgnorable(String name, LmConfig config, boolean reward) {
        if (name.equals("lm_head.weight") && (config.tieWordEmbeddings() || reward)) {
            return true; // tied to the token embedding (HF re-ties it on load); unused by a reward head
        }
        return config.architecture() == LmConfig.Architecture.GPT2 && GPT2_BUFFER.matcher(name).find();
    }

    // ------------------------------------------------------------------ random init

    private static void randomInit(LinkedHashMap<String, Parameter> params, LmConfig config, long seed) {
        params.forEach((name, p) -> setRandom(name, p, config, seed));
    }

    /** Sets the HF-style random initializer of one parameter, seeded by (seed, name). */
    private static void setRandom(String name, Parameter p, LmConfig config, long seed) {
        Parameter.Type type = p.getType();
        if (type == Parameter.Type.GAMMA) {
            p.setInitializer((m, s, t) -> m.ones(s, t));
            return;
        }
        if (type == Parameter.Type.BIAS || type == Parameter.Type.BETA) {
            p.setInitializer((m, s, t) -> m.zeros(s, t));
            return;
        }
        double std = config.initStd();
        if (config.architecture() == LmConfig.Architecture.GPT2 && name.endsWith("c_proj.weight")) {
            std = std / Math.sqrt(2.0 * config.numLayers()); // GPT-2's scaled residual projections
        }
        int padRow = config.architecture() == LmConfig.Architecture.OPT && name.endsWith("embed_tokens.weight")
                ? config.padTokenId() : -1;
        double sd = std;
        long nameSeed = seed * 0x9E3779B97F4A7C15L + name.hashCode();
        p.setInitializer((m, s, t) -> {
            int n = Math.toIntExact(s.size());
            float[] v = new float[n];
            SplittableRandom rnd = new SplittableRandom(nameSeed);
            for (int i = 0; i < n; i++) {
                v[i] = (float) (rnd.nextGaussian() * sd);
            }
            if (padRow >= 0 && padRow < s.get(0)) {
                int cols = (int) s.get(1);
                java.util.Arrays.fill(v, padRow * cols, (padRow + 1) * cols, 0f); // padding_idx row is zero
            }
            return m.create(v, s);
        });
    }

    // ------------------------------------------------------------------ save

    /** Writes config.json, generation_config.json and model.safetensors so {@code transformers} loads the model. */
    public static void save(CausalLm model, Path dir) {
        refuseAdapters(model.namedParameters().size(), model.hfParameters().size());
        writeCheckpoint(dir, model.config().toHfConfigJson(), model.config(), model.hfParameters());
    }

    /** Writes a {@code *ForSequenceClassification} checkpoint (num_labels 1) with {@code score.weight}. */
    public static void save(RewardModel model, Path dir) {
        refuseAdapters(model.namedParameters().size(), model.hfParameters().size());
        LmConfig c = model.config();
        writeCheckpoint(dir, c.toHfConfigJson(c.hfSequenceClassifierClass(), 1), c, model.hfParameters());
    }

    private static void refuseAdapters(int all, int base) {
        if (all != base) {
            throw new IllegalStateException("the model carries LoRA adapters: merge them first (Lora.merge) "
                    + "or save them alone (Lora.saveAdapters)");
        }
    }

    private static void writeCheckpoint(Path dir, String configJson, LmConfig c, Map<String, Parameter> params) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), configJson, StandardCharsets.UTF_8);
            ObjectNode gen = JSON.createObjectNode();
            putIfSet(gen, "bos_token_id", c.bosTokenId());
            putIfSet(gen, "eos_token_id", c.eosTokenId());
            putIfSet(gen, "pad_token_id", c.padTokenId());
            Files.writeString(dir.resolve("generation_config.json"), JSON.writeValueAsString(gen), StandardCharsets.UTF_8);
            Files.deleteIfExists(dir.resolve(INDEX));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint to " + dir, e);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        params.forEach((name, p) -> tensors.put(name, p.getArray()));
        SafeTensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
    }

    private static void putIfSet(ObjectNode o, String key, int id) {
        if (id >= 0) {
            o.put(key, id);
        }
    }

    /** Copies the tokenizer files present in {@code from} (tokenizer.json, vocab.json, merges.txt, ...) to {@code to}. */
    public static List<String> copyTokenizerFiles(Path from, Path to) {
        List<String> copied = new ArrayList<>();
        try {
            Files.createDirectories(to);
            for (String f : TOKENIZER_FILES) {
                Path src = from.resolve(f);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    copied.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy tokenizer files from " + from + " to " + to, e);
        }
        return copied;
    }

    private static JsonNode readJson(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + p, e);
        }
    }
}
