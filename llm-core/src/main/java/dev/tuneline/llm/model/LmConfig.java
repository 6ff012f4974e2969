package dev.tuneline.llm.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Architecture hyper-parameters of a decoder-only language model, read from and written to
 * HuggingFace {@code config.json} (OPT or GPT-2 flavour).
 *
 * <p>Token ids that a model does not define are {@code -1}. {@link #wordEmbedProjDim()} equals
 * {@link #hiddenSize()} for GPT-2 and for OPT models without {@code project_in/project_out}.
 */
public final class LmConfig {

    /** Supported decoder families. */
    public enum Architecture {
        OPT,
        GPT2
    }

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Keys this class interprets; every other key of a config.json is kept verbatim in extras. */
    private static final Set<String> OPT_KEYS =
            Set.of(
                    "architectures", "model_type", "vocab_size", "hidden_size", "num_hidden_layers",
                    "num_attention_heads", "ffn_dim", "max_position_embeddings", "word_embed_proj_dim",
                    "do_layer_norm_before", "_remove_final_layer_norm", "enable_bias",
                    "layer_norm_elementwise_affine", "activation_function", "dropout",
                    "attention_dropout", "init_std", "bos_token_id", "eos_token_id", "pad_token_id",
                    "tie_word_embeddings", "torch_dtype", "id2label", "label2id", "num_labels");
    private static final Set<String> GPT2_KEYS =
            Set.of(
                    "architectures", "model_type", "vocab_size", "n_embd", "n_layer", "n_head",
                    "n_inner", "n_positions", "n_ctx", "layer_norm_epsilon", "activation_function",
                    "resid_pdrop", "embd_pdrop", "attn_pdrop", "initializer_range", "bos_token_id",
                    "eos_token_id", "pad_token_id", "tie_word_embeddings", "scale_attn_weights",
                    "scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn", "torch_dtype",
                    "id2label", "label2id", "num_labels");

    private final Architecture architecture;
    private final int vocabSize;
    private final int hiddenSize;
    private final int numLayers;
    private final int numHeads;
    private final int ffnDim;
    private final int maxPositions;
    private final int wordEmbedProjDim;
    private final boolean doLayerNormBefore;
    private final boolean finalLayerNorm;
    private final boolean enableBias;
    private final boolean layerNormAffine;
    private final float layerNormEps;
    private final String activation;
    private final float dropout;
    private final float attentionDropout;
    private final float embeddingDropout;
    private final float initStd;
    private final int bosTokenId;
    private final int eosTokenId;
    private final int padTokenId;
    private final boolean tieWordEmbeddings;
    private final boolean scaleAttnWeights;
    private final boolean scaleAttnByInverseLayerIdx;
    private final Map<String, JsonNode> extras;

    private LmConfig(Builder b) {
        this.architecture = b.architecture;
        this.vocabSize = b.vocabSize;
        this.hiddenSize = b.hiddenSize;
        this.numLayers = b.numLayers;
        this.numHeads = b.numHeads;
        this.ffnDim = b.ffnDim > 0 ? b.ffnDim : 4 * b.hiddenSize;
        this.maxPositions = b.maxPositions;
        this.wordEmbedProjDim = b.wordEmbedProjDim > 0 ? b.wordEmbedProjDim : b.hiddenSize;
        this.doLayerNormBefore = b.doLayerNormBefore;
        this.finalLayerNorm = b.finalLayerNorm;
        this.enableBias = b.enableBias;
        this.layerNormAffine = b.layerNormAffine;
        this.layerNormEps = b.layerNormEps;
        this.activation = b.activation;
        this.dropout = b.dropout;
        this.attentionDropout = b.attentionDropout;
        this.embeddingDropout = b.embeddingDropout;
        this.initStd = b.initStd;
        this.bosTokenId = b.bosTokenId;
        this.eosTokenId = b.eosTokenId;
        this.padTokenId = b.padTokenId;
        this.tieWordEmbeddings = b.tieWordEmbeddings;
        this.scaleAttnWeights = b.scaleAttnWeights;
        this.scaleAttnByInverseLayerIdx = b.scaleAttnByInverseLayerIdx;
        this.extras = Map.copyOf(b.extras);
        validate();
    }

    private void validate() {
        require(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
        require(hiddenSize > 0, "hidden_size must be > 0, got " + hiddenSize);
        require(numLayers > 0, "num_hidden_layers must be > 0, got " + numLayers);
        require(numHeads > 0 && hiddenSize % numHeads == 0,
                "hidden_size " + hiddenSize + " must be divisible by num_attention_heads " + numHeads);
        require(maxPositions > 0, "max_position_embeddings must be > 0, got " + maxPositions);
        require(architecture == Architecture.OPT || wordEmbedProjDim == hiddenSize,
                "GPT-2 has no word_embed_proj_dim; it must equal n_embd");
        require(architecture == Architecture.OPT || doLayerNormBefore, "GPT-2 is always pre-LN");
        Activations.check(activation);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid LmConfig: " + message);
        }
    }

    // ---------------------------------------------------------------- presets

    /** A tiny GPT-2 for tests: hidden 64, 2 layers, 4 heads, ffn 256, 256 positions. */
    public static LmConfig tinyGpt2(int vocab) {
        return builder(Architecture.GPT2)
                .setVocabSize(vocab).setHiddenSize(64).setNumLayers(2).setNumHeads(4)
                .setFfnDim(256).setMaxPositions(256)
                .optBosTokenId(vocab - 1).optEosTokenId(vocab - 1)
                .build();
    }

    /** A tiny pre-LN OPT for tests: hidden 64, 2 layers, 4 heads, ffn 256, 256 positions. */
    public static LmConfig tinyOpt(int vocab) {
        return builder(Architecture.OPT)
                .setVocabSize(vocab).setHiddenSize(64).setNumLayers(2).setNumHeads(4)
                .setFfnDim(256).setMaxPositions(256)
                .optBosTokenId(2).optEosTokenId(2).optPadTokenId(1)
                .build();
    }

    /** facebook/opt-125m. */
    public static LmConfig opt125m() {
        return builder(Architecture.OPT)
                .setVocabSize(50272).setHiddenSize(768).setNumLayers(12).setNumHeads(12)
                .setFfnDim(3072).setMaxPositions(2048)
                .optBosTokenId(2).optEosTokenId(2).optPadTokenId(1)
                .build();
    }

    /** facebook/opt-350m: post-LN, project_in/out to 512, no final layer norm. */
    public static LmConfig opt350m() {
        return builder(Architecture.OPT)
                .setVocabSize(50272).setHiddenSize(1024).setNumLayers(24).setNumHeads(16)
                .setFfnDim(4096).setMaxPositions(2048).optWordEmbedProjDim(512)
                .optDoLayerNormBefore(false)
                .optBosTokenId(2).optEosTokenId(2).optPadTokenId(1)
                .build();
    }

    /** The original 124M GPT-2 (no pad token). */
    public static LmConfig gpt2() {
        return builder(Architecture.GPT2)
                .setVocabSize(50257).setHiddenSize(768).setNumLayers(12).setNumHeads(12)
                .setMaxPositions(1024)
                .optBosTokenId(50256).optEosTokenId(50256)
                .build();
    }

    // ---------------------------------------------------------------- HF config.json

    /** Reads a HuggingFace {@code config.json} of an OPT or GPT-2 model. */
    public static LmConfig fromHfConfig(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model config " + configJson, e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(configJson + " is not a JSON object");
        }
        return fromHfConfig(root, configJson.toString());
    }

    /** Parses a HuggingFace config already read as JSON; {@code where} names it in errors. */
    public static LmConfig fromHfConfig(JsonNode root, String where) {
        String modelType = root.path("model_type").asText("");
        Architecture arch;
        switch (modelType) {
            case "opt":
                arch = Architecture.OPT;
                break;
            case "gpt2":
                arch = Architecture.GPT2;
                break;
            default:
                throw new IllegalArgumentException(
                        where + ": unsupported model_type '" + modelType + "' (supported: opt, gpt2)");
        }
        Builder b = builder(arch);
        Set<String> known = arch == Architecture.OPT ? OPT_KEYS : GPT2_KEYS;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey())) {
                b.extras.put(e.getKey(), e.getValue());
            }
        }
        if (arch == Architecture.OPT) {
            b.setVocabSize(req(root, "vocab_size", where))
                    .setHiddenSize(req(root, "hidden_size", where))
                    .setNumLayers(req(root, "num_hidden_layers", where))
                    .setNumHeads(req(root, "num_attention_heads", where))
                    .setFfnDim(req(root, "ffn_dim", where))
                    .setMaxPositions(req(root, "max_position_embeddings", where))
                    .optWordEmbedProjDim(root.path("word_embed_proj_dim").asInt(root.path("hidden_size").asInt()))
                    .optDoLayerNormBefore(root.path("do_layer_norm_before").asBoolean(true))
                    .optFinalLayerNorm(!root.path("_remove_final_layer_norm").asBoolean(false))
                    .optEnableBias(root.path("enable_bias").asBoolean(true))
                    .optLayerNormAffine(root.path("layer_norm_elementwise_affine").asBoolean(true))
                    .optActivation(root.path("activation_function").asText("relu"))
                    .optDropout((float) root.path("dropout").asDouble(0.1))
                    .optAttentionDropout((float) root.path("attention_dropout").asDouble(0.0))
                    .optInitStd((float) root.path("init_std").asDouble(0.02));
        } else {
            int nEmbd = req(root, "n_embd", where);
            JsonNode inner = root.path("n_inner");
            b.setVocabSize(req(root, "vocab_size", where))
                    .setHiddenSize(nEmbd)
                    .setNumLayers(req(root, "n_layer", where))
                    .setNumHeads(req(root, "n_head", where))
                    .setFfnDim(inner.isNumber() ? inner.asInt() : 4 * nEmbd)
                    .setMaxPositions(req(root, "n_positions", where))
                    .optLayerNormEps((float) root.path("layer_norm_epsilon").asDouble(1e-5))
                    .optActivation(root.path("activation_function").asText("gelu_new"))
                    .optDropout((float) root.path("resid_pdrop").asDouble(0.1))
                    .optAttentionDropout((float) root.path("attn_pdrop").asDouble(0.1))
                    .optEmbeddingDropout((float) root.path("embd_pdrop").asDouble(0.1))
                    .optInitStd((float) root.path("initializer_range").asDouble(0.02))
                    .optScaleAttnWeights(root.path("scale_attn_weights").asBoolean(true))
                    .optScaleAttnByInverseLayerIdx(
                            root.path("scale_attn_by_inverse_layer_idx").asBoolean(false));
            if (root.path("reorder_and_upcast_attn").asBoolean(false)) {
                // only changes fp16 numerics; fp32 result is the same, keep it for round trips
                b.extras.put("reorder_and_upcast_attn", root.get("reorder_and_upcast_attn"));
            }
        }
        b.optBosTokenId(optId(root, "bos_token_id"))
                .optEosTokenId(optId(root, "eos_token_id"))
                .optPadTokenId(optId(root, "pad_token_id"))
                .optTieWordEmbeddings(root.path("tie_word_embeddings").asBoolean(true));
        return b.build();
    }

    private static int req(JsonNode root, String key, String where) {
        JsonNode n = root.get(key);
        if (n == null || !n.canConvertToInt()) {
            throw new IllegalArgumentException(where + ": missing or non-integer field '" + key + "'");
        }
        return n.asInt();
    }

    private static int optId(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n != null && n.isArray()) {
            n = n.size() > 0 ? n.get(0) : null; // a list of eos ids: the first one is the primary id
        }
        return n != null && n.canConvertToInt() ? n.asInt() : -1;
    }

    /** The HuggingFace architecture class name of the causal LM ({@code OPTForCausalLM} / {@code GPT2LMHeadModel}). */
    public String hfCausalLmClass() {
        return architecture == Architecture.OPT ? "OPTForCausalLM" : "GPT2LMHeadModel";
    }

    /** The HuggingFace architecture class name of the sequence classifier used for reward models. */
    public String hfSequenceClassifierClass() {
        return architecture == Architecture.OPT
                ? "OPTForSequenceClassification"
                : "GPT2ForSequenceClassification";
    }

    /** {@code config.json} text for a causal LM that {@code transformers} loads. */
    public String toHfConfigJson() {
        return toHfConfigJson(hfCausalLmClass(), 0);
    }

    /**
     * {@code config.json} text naming {@code architectureClass}; {@code numLabels > 0} adds the
     * {@code id2label/label2id} maps a sequence classifier needs.
     */
    public String toHfConfigJson(String architectureClass, int numLabels) {
        ObjectNode o = JSON.createObjectNode();
        extras.forEach(o::set);
        o.putArray("architectures").add(architectureClass);
        if (architecture == Architecture.OPT) {
            o.put("model_type", "opt");
            o.put("vocab_size", vocabSize);
            o.put("hidden_size", hiddenSize);
            o.put("num_hidden_layers", numLayers);
            o.put("num_attention_heads", numHeads);
            o.put("ffn_dim", ffnDim);
            o.put("max_position_embeddings", maxPositions);
            o.put("word_embed_proj_dim", wordEmbedProjDim);
            o.put("do_layer_norm_before", doLayerNormBefore);
            o.put("_remove_final_layer_norm", !finalLayerNorm);
            o.put("enable_bias", enableBias);
            o.put("layer_norm_elementwise_affine", layerNormAffine);
            o.put("activation_function", activation);
            o.put("dropout", dropout);
            o.put("attention_dropout", attentionDropout);
            o.put("init_std", initStd);
        } else {
            o.put("model_type", "gpt2");
            o.put("vocab_size", vocabSize);
            o.put("n_embd", hiddenSize);
            o.put("n_layer", numLayers);
            o.put("n_head", numHeads);
            o.put("n_inner", ffnDim);
            o.put("n_positions", maxPositions);
            o.put("n_ctx", maxPositions);
            o.put("layer_norm_epsilon", layerNormEps);
            o.put("activation_function", activation);
            o.put("resid_pdrop", dropout);
            o.put("embd_pdrop", embeddingDropout);
            o.put("attn_pdrop", attentionDropout);
            o.put("initializer_range", initStd);
            o.put("scale_attn_weights", scaleAttnWeights);
            o.put("scale_attn_by_inverse_layer_idx", scaleAttnByInverseLayerIdx);
        }
        putId(o, "bos_token_id", bosTokenId);
        putId(o, "eos_token_id", eosTokenId);
        putId(o, "pad_token_id", padTokenId);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("torch_dtype", "float32");
        if (numLabels > 0) {
            ObjectNode id2label = o.putObject("id2label");
            ObjectNode label2id = o.putObject("label2id");
            for (int i = 0; i < numLabels; i++) {
                id2label.put(String.valueOf(i), "LABEL_" + i);
                label2id.put("LABEL_" + i, i);
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putId(ObjectNode o, String key, int id) {
        if (id >= 0) {
            o.put(key, id);
        } else {
            o.putNull(key);
        }
    }

    // ---------------------------------------------------------------- derived values

    /** Number of trainable parameters of the causal LM (tied head counted once), from shapes alone. */
    public long parameterCount() {
        long h = hiddenSize;
        long p = wordEmbedProjDim;
        long bias = enableBias ? 1 : 0;
        long ln = layerNormAffine ? 2 * h : 0;
        long attn = 4 * h * h + 4 * h * bias;
        long mlp = 2 * h * ffnDim + (ffnDim + h) * bias;
        long perLayer = attn + mlp + 2 * ln;
        long positions = (long) (maxPositions + positionOffset()) * h;
        long total = (long) vocabSize * p + positions + numLayers * perLayer;
        if (p != h) {
            total += 2 * h * p;
        }
        if (hasFinalLayerNorm()) {
            total += ln;
        }
        if (!tieWordEmbeddings) {
            total += (long) vocabSize * p;
        }
        return total;
    }

    /** Offset added to position ids before the position-embedding lookup (2 for OPT, 0 for GPT-2). */
    public int positionOffset() {
        return architecture == Architecture.OPT ? 2 : 0;
    }

    /** Whether a final layer norm follows the last decoder layer (GPT-2 always; OPT only pre-LN). */
    public boolean hasFinalLayerNorm() {
        return architecture == Architecture.GPT2 || (doLayerNormBefore && finalLayerNorm);
    }

    /** Per-head width. */
    public int headDim() {
        return hiddenSize / numHeads;
    }

    // ---------------------------------------------------------------- accessors

    /** Decoder family. */
    public Architecture architecture() { return architecture; }
    /** Rows of the token embedding / columns of the logits. */
    public int vocabSize() { return vocabSize; }
    /** Width of the residual stream. */
    public int hiddenSize() { return hiddenSize; }
    /** Number of decoder layers. */
    public int numLayers() { return numLayers; }
    /** Number of attention heads. */
    public int numHeads() { return numHeads; }
    /** Width of the feed-forward inner layer. */
    public int ffnDim() { return ffnDim; }
    /** Longest sequence (prompt + generated) the position table supports. */
    public int maxPositions() { return maxPositions; }
    /** Width of token embeddings and of the LM head input (OPT project_in/out when != hidden). */
    public int wordEmbedProjDim() { return wordEmbedProjDim; }
    /** Pre-LN (true) or post-LN (false, opt-350m). */
    public boolean doLayerNormBefore() { return doLayerNormBefore; }
    /** OPT: whether the final layer norm is kept when pre-LN (false = {@code _remove_final_layer_norm}). */
    public boolean finalLayerNorm() { return finalLayerNorm; }
    /** OPT: biases on linear layers. */
    public boolean enableBias() { return enableBias; }
    /** Layer norms carry weight and bias. */
    public boolean layerNormAffine() { return layerNormAffine; }
    /** Layer norm epsilon. */
    public float layerNormEps() { return layerNormEps; }
    /** HF activation name: relu, gelu, gelu_new, gelu_pytorch_tanh. */
    public String activation() { return activation; }
    /** Residual dropout (OPT {@code dropout}, GPT-2 {@code resid_pdrop}). */
    public float dropout() { return dropout; }
    /** Attention-probability dropout. */
    public float attentionDropout() { return attentionDropout; }
    /** Embedding dropout (GPT-2 {@code embd_pdrop}; OPT has none). */
    public float embeddingDropout() { return embeddingDropout; }
    /** Standard deviation of the random normal init (OPT init_std, GPT-2 initializer_range). */
    public float initStd() { return initStd; }
    /** Beginning-of-sequence id or -1. */
    public int bosTokenId() { return bosTokenId; }
    /** End-of-sequence id or -1. */
    public int eosTokenId() { return eosTokenId; }
    /** Padding id or -1 (GPT-2 has none). */
    public int padTokenId() { return padTokenId; }
    /** LM head shares the token-embedding matrix. */
    public boolean tieWordEmbeddings() { return tieWordEmbeddings; }
    /** GPT-2: divide scores by sqrt(head_dim). */
    public boolean scaleAttnWeights() { return scaleAttnWeights; }
    /** GPT-2: also divide scores by (layer index + 1). */
    public boolean scaleAttnByInverseLayerIdx() { return scaleAttnByInverseLayerIdx; }
    /** config.json keys this class does not interpret, kept for round trips. */
    public Map<String, JsonNode> extras() { return extras; }

    /** A builder initialised with this config's values. */
    public Builder toBuilder() {
        Builder b = builder(architecture)
                .setVocabSize(vocabSize).setHiddenSize(hiddenSize).setNumLayers(numLayers)
                .setNumHeads(numHeads).setFfnDim(ffnDim).setMaxPositions(maxPositions)
                .optWordEmbedProjDim(wordEmbedProjDim).optDoLayerNormBefore(doLayerNormBefore)
                .optFinalLayerNorm(finalLayerNorm).optEnableBias(enableBias)
                .optLayerNormAffine(layerNormAffine).optLayerNormEps(layerNormEps)
                .optActivation(activation).optDropout(dropout).optAttentionDropout(attentionDropout)
                .optEmbeddingDropout(embeddingDropout).optInitStd(initStd)
                .optBosTokenId(bosTokenId).optEosTokenId(eosTokenId).optPadTokenId(padTokenId)
                .optTieWordEmbeddings(tieWordEmbeddings).optScaleAttnWeights(scaleAttnWeights)
                .optScaleAttnByInverseLayerIdx(scaleAttnByInverseLayerIdx);
        b.extras.putAll(extras);
        return b;
    }

    /** A builder with the defaults of the family ({@code transformers}' own defaults). */
    public static Builder builder(Architecture architecture) {
        return new Builder(architecture);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "LmConfig[%s vocab=%d hidden=%d layers=%d heads=%d ffn=%d pos=%d proj=%d preLN=%s act=%s]",
                architecture, vocabSize, hiddenSize, numLayers, numHeads, ffnDim, maxPositions,
                wordEmbedProjDim, doLayerNormBefore, activation);
    }

    /** Builder of {@link LmConfig}: {@code set*} for required sizes, {@code opt*} for the rest. */
    public static final class Builder {
        private final Architecture architecture;
        private int vocabSize;
        private int hiddenSize;
        private int numLayers;
        private int numHeads;
        private int ffnDim;
        private int maxPositions;
        private int wordEmbedProjDim;
        private boolean doLayerNormBefore = true;
        private boolean finalLayerNorm = true;
        private boolean enableBias = true;
        private boolean layerNormAffine = true;
        private float layerNormEps = 1e-5f;
        private String activation;
        private float dropout = 0.1f;
        private float attentionDropout;
        private float embeddingDropout;
        private float initStd = 0.02f;
        private int bosTokenId = -1;
        private int eosTokenId = -1;
        private int padTokenId = -1;
        private boolean tieWordEmbeddings = true;
        private boolean scaleAttnWeights = true;
        private boolean scaleAttnByInverseLayerIdx;
        private final Map<String, JsonNode> extras = new LinkedHashMap<>();

        private Builder(Architecture architecture) {
            this.architecture = architecture;
            if (architecture == Architecture.OPT) {
                activation = "relu";
                attentionDropout = 0f;
            } else {
                activation = "gelu_new";
                attentionDropout = 0.1f;
                embeddingDropout = 0.1f;
            }
        }

        /** Vocabulary size. */
        public Builder setVocabSize(int v) { vocabSize = v; return this; }
        /** Residual width. */
        public Builder setHiddenSize(int v) { hiddenSize = v; return this; }
        /** Number of layers. */
        public Builder setNumLayers(int v) { numLayers = v; return this; }
        /** Number of attention heads. */
        public Builder setNumHeads(int v) { numHeads = v; return this; }
        /** Feed-forward width (default 4 x hidden). */
        public Builder setFfnDim(int v) { ffnDim = v; return this; }
        /** Position table size. */
        public Builder setMaxPositions(int v) { maxPositions = v; return this; }
        /** OPT word_embed_proj_dim (default = hidden). */
        public Builder optWordEmbedProjDim(int v) { wordEmbedProjDim = v; return this; }
        /** Pre-LN (default) or post-LN. */
        public Builder optDoLayerNormBefore(boolean v) { doLayerNormBefore = v; return this; }
        /** OPT: keep the final layer norm when pre-LN (default true). */
        public Builder optFinalLayerNorm(boolean v) { finalLayerNorm = v; return this; }
        /** OPT: biases on linear layers (default true). */
        public Builder optEnableBias(boolean v) { enableBias = v; return this; }
        /** Layer norms with weight and bias (default true). */
        public Builder optLayerNormAffine(boolean v) { layerNormAffine = v; return this; }
        /** Layer norm epsilon (default 1e-5). */
        public Builder optLayerNormEps(float v) { layerNormEps = v; return this; }
        /** Activation name. */
        public Builder optActivation(String v) { activation = v; return this; }
        /** Residual dropout. */
        public Builder optDropout(float v) { dropout = v; return this; }
        /** Attention dropout. */
        public Builder optAttentionDropout(float v) { attentionDropout = v; return this; }
        /** Embedding dropout (GPT-2). */
        public Builder optEmbeddingDropout(float v) { embeddingDropout = v; return this; }
        /** Init standard deviation. */
        public Builder optInitStd(float v) { initStd = v; return this; }
        /** BOS id (-1 = none). */
        public Builder optBosTokenId(int v) { bosTokenId = v; return this; }
        /** EOS id (-1 = none). */
        public Builder optEosTokenId(int v) { eosTokenId = v; return this; }
        /** PAD id (-1 = none). */
        public Builder optPadTokenId(int v) { padTokenId = v; return this; }
        /** Tie the LM head to the token embedding (default true). */
        public Builder optTieWordEmbeddings(boolean v) { tieWordEmbeddings = v; return this; }
        /** GPT-2 scale_attn_weights (default true). */
        public Builder optScaleAttnWeights(boolean v) { scaleAttnWeights = v; return this; }
        /** GPT-2 scale_attn_by_inverse_layer_idx (default false). */
        public Builder optScaleAttnByInverseLayerIdx(boolean v) { scaleAttnByInverseLayerIdx = v; return this; }
        /** Extra config.json entry kept verbatim. */
        public Builder optExtra(String key, JsonNode value) { extras.put(key, value); return this; }

        /** Validates and builds. */
        public LmConfig build() {
            return new LmConfig(this);
        }
    }
}
