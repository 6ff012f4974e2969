package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * OPT ({@code OPTForCausalLM} of HuggingFace transformers), read top to bottom:
 *
 * <pre>
 * tokens (B,T) -> embed_tokens (B,T,P) -> [project_in] (B,T,H) + embed_positions(mask cumsum - 1 + 2)
 *   -> layers: pre-LN  h = h + attn(LN(h)); h = h + fc2(act(fc1(LN(h))))
 *              post-LN h = LN(h + attn(h));  h = LN(h + fc2(act(fc1(h))))   (opt-350m)
 *   -> [final_layer_norm, pre-LN only] -> [project_out] (B,T,P) -> lm_head = embed_tokens^T (B,T,V)
 * </pre>
 *
 * H = hidden_size, P = word_embed_proj_dim (= H unless project_in/out exist). Dropout is applied
 * after attention and after fc2 when training; attention dropout on the probabilities.
 */
public final class OptForCausalLm extends CausalLm {

    private final Decoder decoder;

    /** An OPT model for {@code config} (architecture OPT). */
    public OptForCausalLm(LmConfig config) {
        super(config);
        if (config.architecture() != LmConfig.Architecture.OPT) {
            throw new IllegalArgumentException("OptForCausalLm needs an OPT config, got " + config);
        }
        decoder = addHfChild("model.decoder", new Decoder(config));
        addLmHeadIfUntied();
    }

    @Override
    public NDArray hiddenStates(
            ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training) {
        return decoder.apply(ps, ids, mask, cache, training);
    }

    @Override
    public Parameter tokenEmbedding() {
        return decoder.embedTokens.weight();
    }

    @Override
    public String hfPrefix() {
        return "model.decoder.";
    }

    /** {@code OPTDecoder}: embeddings, layers, final norm and projections. */
    static final class Decoder extends AbstractHfBlock {
        private final LmConfig c;
        final HfEmbedding embedTokens;
        private final HfEmbedding embedPositions;
        private final HfLinear projectOut;
        private final HfLinear projectIn;
        private final HfLayerNorm finalLayerNorm;
        private final HfModuleList<Layer> layers;

        Decoder(LmConfig c) {
            this.c = c;
            int h = c.hiddenSize();
            int p = c.wordEmbedProjDim();
            embedTokens = addHfChild("embed_tokens", new HfEmbedding(c.vocabSize(), p));
            embedPositions = addHfChild("embed_positions",
                    new HfEmbedding(c.maxPositions() + c.positionOffset(), h));
            projectOut = p != h ? addHfChild("project_out", HfLinear.linear(h, p, false)) : null;
            projectIn = p != h ? addHfChild("project_in", HfLinear.linear(p, h, false)) : null;
            finalLayerNorm = c.hasFinalLayerNorm()
                    ? addHfChild("final_layer_norm", new HfLayerNorm(h, c.layerNormEps(), c.layerNormAffine()))
                    : null;
            layers = addHfChild("layers", new HfModuleList<>());
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(new Layer(c, i));
            }
        }

        NDArray apply(ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training) {
            int tNew = (int) ids.getShape().get(1);
            checkLengths(ids, mask, cache, c);
            NDArray positions = Attention.positionIds(mask, tNew, -1).add(c.positionOffset()); // (B, T)
            NDArray bias = Attention.causalBias(mask, tNew);                  // (B, 1, T, T_k)

            NDArray x = embedTokens.apply(ps, ids, training);                 // (B, T, P)
            if (projectIn != null) {
                x = projectIn.apply(ps, x, training);                         // (B, T, H)
            }
            NDArray h = x.add(embedPositions.apply(ps, positions, training)); // (B, T, H)
            for (Layer layer : layers.items()) {
                h = layer.apply(ps, h, bias, cache, training);
            }
            if (finalLayerNorm != null) {
                h = finalLayerNorm.apply(ps, h, training);
            }
            if (projectOut != null) {
                h = projectOut.apply(ps, h, training);                        // (B, T, P)
            }
            return h;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, in.get(0), in.get(1), null, training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0].add(c.wordEmbedProjDim())};
        }
    }

    /** {@code OPTDecoderLayer}: self-attention and feed-forward, pre- or post-LN. */
    static final class Layer extends AbstractHfBlock {
        private final LmConfig c;
        private final SelfAttention selfAttn;
        private final HfLayerNorm selfAttnLayerNorm;
        private final HfLinear fc1;
        private final HfLinear fc2;
        private final HfLayerNorm finalLayerNorm;

        Layer(LmConfig c, int index) {
            this.c = c;
            int h = c.hiddenSize();
            selfAttn = addHfChild("self_attn", new SelfAttention(c, index));
            selfAttnLayerNorm = addHfChild("self_attn_layer_norm",
                    new HfLayerNorm(h, c.layerNormEps(), c.layerNormAffine()));
            fc1 = addHfChild("fc1", HfLinear.linear(h, c.ffnDim(), c.enableBias()));
            fc2 = addHfChild("fc2", HfLinear.linear(c.ffnDim(), h, c.enableBias()));
            finalLayerNorm = addHfChild("final_layer_norm",
                    new HfLayerNorm(h, c.layerNormEps(), c.layerNormAffine()));
        }

        /** {@code (B, T, H)} -> {@code (B, T, H)}. */
        NDArray apply(ParameterStore ps, NDArray h, NDArray bias, KvCache cache, boolean training) {
            boolean preLn = c.doLayerNormBefore();
            NDArray residual = h;
            NDArray x = preLn ? selfAttnLayerNorm.apply(ps, h, training) : h;
            x = dropout(selfAttn.apply(ps, x, bias, cache, training), training);
            h = residual.add(x);
            if (!preLn) {
                h = selfAttnLayerNorm.apply(ps, h, training);
            }

            residual = h;
            x = preLn ? finalLayerNorm.apply(ps, h, training) : h;
            x = fc1.apply(ps, x, training);                                   // (B, T, F)
            x = Activations.apply(c.activation(), x);
            x = dropout(fc2.apply(ps, x, training), training);                // (B, T, H)
            h = residual.add(x);
            if (!preLn) {
                h = finalLayerNorm.apply(ps, h, training);
            }
            return h;
        }

        private NDArray dropout(NDArray x, boolean training) {
            return training && c.dropout() > 0
                    ? Dropout.dropout(x, c.dropout(), true).singletonOrThrow()
                    : x;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, in.get(0), in.get(1), null, training));
        }
    }

    /** {@code OPTAttention}: q is scaled by head_dim^-0.5 after its projection, as in HF. */
    static final class SelfAttention extends AbstractHfBlock {
        private final LmConfig c;
        private final int layerIndex;
        private final HfLinear kProj;
        private final HfLinear vProj;
        private final HfLinear qProj;
        private final HfLinear outProj;

        SelfAttention(LmConfig c, int layerIndex) {
            this.c = c;
            this.layerIndex = layerIndex;
            int h = c.hiddenSize();
            kProj = addHfChild("k_proj", HfLinear.linear(h, h, c.enableBias()));
            vProj = addHfChild("v_proj", HfLinear.linear(h, h, c.enableBias()));
            qProj = addHfChild("q_proj", HfLinear.linear(h, h, c.enableBias()));
            outProj = addHfChild("out_proj", HfLinear.linear(h, h, c.enableBias()));
        }

        /** {@code (B, T, H)} -> {@code (B, T, H)}; appends this layer's keys/values to {@code cache}. */
        NDArray apply(ParameterStore ps, NDArray x, NDArray bias, KvCache cache, boolean training) {
            int heads = c.numHeads();
            NDArray scaling = x.getManager().create((float) Math.pow(c.headDim(), -0.5));
            NDArray q = Attention.splitHeads(qProj.apply(ps, x, training).mul(scaling), heads); // (B, h, T, d)
            NDArray k = Attention.splitHeads(kProj.apply(ps, x, training), heads);
            NDArray v = Attention.splitHeads(vProj.apply(ps, x, training), heads);
            if (cache != null) {
                NDArray[] kv = cache.append(layerIndex, k, v);                // (B, h, T_k, d)
                k = kv[0];
                v = kv[1];
            }
            NDArray o = Attention.attend(q, k, v, bias, null, c.attentionDropout(), training);
            return outProj.apply(ps, Attention.mergeHeads(o), training);     // (B, T, H)
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, in.get(0), in.get(1), null, training));
        }
    }

    /** Validates ids/mask/cache lengths with messages naming the mismatch. */
    static void checkLengths(NDArray ids, NDArray mask, KvCache cache, LmConfig c) {
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        long past = cache == null ? 0 : cache.length();
        if (mask.getShape().dimension() != 2 || mask.getShape().get(0) != b
                || mask.getShape().get(1) != past + t) {
            throw new IllegalArgumentException("attention mask shape " + mask.getShape()
                    + " must be (B=" + b + ", T_past+T_new=" + (past + t) + ")");
        }
        if (cache != null && cache.batchSize() >= 0 && cache.batchSize() != b) {
            throw new IllegalArgumentException(
                    "KV cache has " + cache.batchSize() + " rows but the input has " + b);
        }
        long maxId = ids.max().getLong();
        long minId = ids.min().getLong();
        if (minId < 0 || maxId >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + (minId < 0 ? minId : maxId)
                    + " is outside the vocabulary [0, " + c.vocabSize() + ")");
        }
        if (past + t > c.maxPositions() && mask.sum(new int[] {1}).max().getLong() > c.maxPositions()) {
            throw new IllegalArgumentException("a row has more attended tokens than max_position_embeddings "
                    + c.maxPositions());
        }
    }
}
