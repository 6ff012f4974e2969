package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoder-only causal language model with HuggingFace parameter names.
 *
 * <p>{@code forward(ps, NDList(inputIds (B, T) int64, attentionMask (B, T) int64), training)}
 * returns {@code NDList(logits (B, T, V) float32)}. The mask may be omitted (all ones). Position
 * ids come from the mask (the i-th attended token of a row is at position i), so left-padded rows
 * give the same logits as the unpadded sequence.
 *
 * <p>Incremental decoding: {@link #hiddenStates(ParameterStore, NDArray, NDArray, KvCache, boolean)}
 * with a {@link KvCache} takes only the new tokens and a mask over past + new tokens.
 */
public abstract class CausalLm extends AbstractHfBlock {

    /** The architecture hyper-parameters. */
    protected final LmConfig config;
    private HfLinear lmHead; // null when tied to the token embedding

    /** A model for {@code config} (parameters get shapes now and arrays on initialisation). */
    protected CausalLm(LmConfig config) {
        this.config = config;
    }

    /** The architecture hyper-parameters. */
    public LmConfig config() {
        return config;
    }

    /**
     * The final hidden states fed to the LM head (after the final layer norm and, for OPT,
     * {@code project_out}).
     *
     * @param ids int64 {@code (B, T_new)}
     * @param mask int64 {@code (B, T_past + T_new)}, 1 = attend, 0 = padding
     * @param cache past keys/values (appended to), or null for a full forward
     * @return float32 {@code (B, T_new, wordEmbedProjDim)}
     */
    public abstract NDArray hiddenStates(
            ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training);

    /** {@link #hiddenStates(ParameterStore, NDArray, NDArray, KvCache, boolean)} without cache. */
    public NDArray hiddenStates(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
        return hiddenStates(ps, ids, mask, null, training);
    }

    /**
     * The LM head: {@code lm_head}, or the token embedding transposed when tied (no lm_head stored).
     *
     * @param hidden {@code (..., wordEmbedProjDim)}
     * @return {@code (..., V)}
     */
    public NDArray logits(ParameterStore ps, NDArray hidden, boolean training) {
        if (lmHead != null) {
            return lmHead.apply(ps, hidden, training);
        }
        NDArray w = ps.getValue(tokenEmbedding(), hidden.getDevice(), training);   // (V, P)
        return Linear.linear(hidden, w).singletonOrThrow();                        // (..., V)
    }

    /** Adds the untied {@code lm_head} (subclasses call this after registering the backbone). */
    protected final void addLmHeadIfUntied() {
        if (!config.tieWordEmbeddings()) {
            lmHead = addHfChild("lm_head", HfLinear.linear(config.wordEmbedProjDim(), config.vocabSize(), false));
        }
    }

    /** The token-embedding parameter ({@code (V, wordEmbedProjDim)}). */
    public abstract Parameter tokenEmbedding();

    /** The HF prefix of the backbone: {@code "model.decoder."} (OPT) or {@code "transformer."} (GPT-2). */
    public abstract String hfPrefix();

    /** A fresh, empty KV cache whose arrays live under {@code manager}. */
    public KvCache newCache(NDManager manager) {
        return new KvCache(manager, config.numLayers());
    }

    /** Width of {@link #hiddenStates} (= {@code wordEmbedProjDim}). */
    public int hiddenOutputSize() {
        return config.wordEmbedProjDim();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.size() > 1
                ? inputs.get(1)
                : ids.getManager().ones(ids.getShape(), DataType.INT64);
        NDArray hidden = hiddenStates(ps, ids, mask, null, training);
        return new NDList(logits(ps, hidden, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.vocabSize())};
    }

    /** Every affine layer by HF module path (e.g. {@code transformer.h.0.attn.c_attn}). */
    public LinkedHashMap<String, HfLinear> linearLayers() {
        LinkedHashMap<String, AbstractHfBlock> modules = new LinkedHashMap<>();
        collectModules("", modules);
        LinkedHashMap<String, HfLinear> out = new LinkedHashMap<>();
        for (Map.Entry<String, AbstractHfBlock> e : modules.entrySet()) {
            if (e.getValue() instanceof HfLinear) {
                out.put(e.getKey(), (HfLinear) e.getValue());
            }
        }
        return out;
    }

    /** Builds the model class of {@code config}'s architecture (no arrays allocated). */
    public static CausalLm of(LmConfig config) {
        switch (config.architecture()) {
            case OPT:
                return new OptForCausalLm(config);
            case GPT2:
                return new Gpt2ForCausalLm(config);
            default:
                throw new IllegalArgumentException("unsupported architecture " + config.architecture());
        }
    }
}
