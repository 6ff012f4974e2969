package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * GPT-2 ({@code GPT2LMHeadModel} of HuggingFace transformers), read top to bottom:
 *
 * <pre>
 * tokens (B,T) -> wte (B,T,H) + wpe(mask cumsum - 1) -> dropout
 *   -> h: h = h + attn(ln_1(h)); h = h + mlp(ln_2(h))     (Conv1D weights are (in, out))
 *   -> ln_f -> lm_head = wte^T (B,T,V)
 * </pre>
 *
 * Attention: {@code c_attn} gives q, k, v; scores divided by sqrt(head_dim) (and by layer index + 1
 * when {@code scale_attn_by_inverse_layer_idx}); MLP: {@code c_fc -> gelu_new -> c_proj}.
 * Positions come from the attention mask as in HF generation, so left padding is harmless.
 */
public final class Gpt2ForCausalLm extends CausalLm {

    private final Transformer transformer;

    /** A GPT-2 model for {@code config} (architecture GPT2). */
    public Gpt2ForCausalLm(LmConfig config) {
        super(config);
        if (config.architecture() != LmConfig.Architecture.GPT2) {
            throw new IllegalArgumentException("Gpt2ForCausalLm needs a GPT2 config, got " + config);
        }
        transformer = addHfChild("transformer", new Transformer(config));
        addLmHeadIfUntied();
    }

    @Override
    public NDArray hiddenStates(
            ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training) {
        return transformer.apply(ps, ids, mask, cache, training);
    }

    @Override
    public Parameter tokenEmbedding() {
        return transformer.wte.weight();
    }

    @Override
    public String hfPrefix() {
        return "transformer.";
    }

    /** {@code GPT2Model}: embeddings, blocks, final layer norm. */
    static final class Transformer extends AbstractHfBlock {
        private final LmConfig c;
        final HfEmbedding wte;
        private final HfEmbedding wpe;
        private final HfModuleList<Block> h;
        private final HfLayerNorm lnF;

        Transformer(LmConfig c) {
            this.c = c;
            wte = addHfChild("wte", new HfEmbedding(c.vocabSize(), c.hiddenSize()));
            wpe = addHfChild("wpe", new HfEmbedding(c.maxPositions(), c.hiddenSize()));
            h = addHfChild("h", new HfModuleList<>());
            for (int i = 0; i < c.numLayers(); i++) {
                h.add(new Block(c, i));
            }
            lnF = addHfChild("ln_f", new HfLayerNorm(c.hiddenSize(), c.layerNormEps(), true));
        }

        NDArray apply(ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training) {
            int tNew = (int) ids.getShape().get(1);
            OptForCausalLm.checkLengths(ids, mask, cache, c);
            NDArray positions = Attention.positionIds(mask, tNew, 1);          // (B, T)
            NDArray bias = Attention.causalBias(mask, tNew);                  // (B, 1, T, T_k)

            NDArray x = wte.apply(ps, ids, training).add(wpe.apply(ps, positions, training)); // (B, T, H)
            if (training && c.embeddingDropout() > 0) {
                x = Dropout.dropout(x, c.embeddingDropout(), true).singletonOrThrow();
            }
            for (Block block : h.items()) {
                x = block.apply(ps, x, bias, cache, training);
            }
            return lnF.apply(ps, x, training);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, in.get(0), in.get(1), null, training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0].add(c.hiddenSize())};
        }
    }

    /** {@code GPT2Block}: pre-LN attention and MLP with residuals. */
    static final class Block extends AbstractHfBlock {
        private final LmConfig c;
        private final HfLayerNorm ln1;
        private final SelfAttention attn;
        private final HfLayerNorm ln2;
        private final Mlp mlp;

        Block(LmConfig c, int index) {
            this.c = c;
            ln1 = addHfChild("ln_1", new HfLayerNorm(c.hiddenSize(), c.layerNormEps(), true));
            attn = addHfChild("attn", new SelfAttention(c, index));
            ln2 = addHfChild("ln_2", new HfLayerNorm(c.hiddenSize(), c.layerNormEps(), true));
            mlp = addHfChild("mlp", new Mlp(c));
        }

        /** {@code (B, T, H)} -> {@code (B, T, H)}. */
        NDArray apply(ParameterStore ps, NDArray x, NDArray bias, KvCache cache, boolean training) {
            x = x.add(attn.apply(ps, ln1.apply(ps, x, training), bias, cache, training));
            return x.add(mlp.apply(ps, ln2.apply(ps, x, training), training));
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, in.get(0), in.get(1), null, training));
        }
    }

    /** {@code GPT2Attention}: fused q/k/v projection {@code c_attn}, output {@code c_proj}. */
    static final class SelfAttention extends AbstractHfBlock {
        private final LmConfig c;
        private final int layerIndex;
        private final HfLinear cAttn;
        private final HfLinear cProj;

        SelfAttention(LmConfig c, int layerIndex) {
            this.c = c;
            this.layerIndex = layerIndex;
            cAttn = addHfChild("c_attn", HfLinear.conv1d(c.hiddenSize(), 3 * c.hiddenSize()));
            cProj = addHfChild("c_proj", HfLinear.conv1d(c.hiddenSize(), c.hiddenSize()));
        }

        /** {@code (B, T, H)} -> {@code (B, T, H)}; appends this layer's keys/values to {@code cache}. */
        NDArray apply(ParameterStore ps, NDArray x, NDArray bias, KvCache cache, boolean training) {
            NDList qkv = cAttn.apply(ps, x, training).split(3, 2);           // 3 x (B, T, H)
            NDArray q = Attention.splitHeads(qkv.get(0), c.numHeads());      // (B, h, T, d)
            NDArray k = Attention.splitHeads(qkv.get(1), c.numHeads());
            NDArray v = Attention.splitHeads(qkv.get(2), c.numHeads());
            if (cache != null) {
                NDArray[] kv = cache.append(layerIndex, k, v);                // (B, h, T_k, d)
                k = kv[0];
                v = kv[1];
            }
            float divisor = 1f;
            if (c.scaleAttnWeights()) {
                divisor = (float) Math.sqrt(c.headDim());
            }
            if (c.scaleAttnByInverseLayerIdx()) {
                divisor *= layerIndex + 1;
            }
            NDArray div = divisor == 1f ? null : x.getManager().create(divisor);
            NDArray o = Attention.attend(q, k, v, bias, div, c.attentionDropout(), training);
            NDArray out = cProj.apply(ps, Attention.mergeHeads(o), training); // (B, T, H)
            return training && c.dropout() > 0
                    ? Dropout.dropout(out, c.dropout(), true).singletonOrThrow()
                    : out;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, in.get(0), in.get(1), null, training));
        }
    }

    /** {@code GPT2MLP}: {@code c_fc -> activation -> c_proj -> dropout}. */
    static final class Mlp extends AbstractHfBlock {
        private final LmConfig c;
        private final HfLinear cFc;
        private final HfLinear cProj;

        Mlp(LmConfig c) {
            this.c = c;
            cFc = addHfChild("c_fc", HfLinear.conv1d(c.hiddenSize(), c.ffnDim()));
            cProj = addHfChild("c_proj", HfLinear.conv1d(c.ffnDim(), c.hiddenSize()));
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = Activations.apply(c.activation(), cFc.apply(ps, x, training)); // (B, T, F)
            y = cProj.apply(ps, y, training);                                         // (B, T, H)
            return training && c.dropout() > 0
                    ? Dropout.dropout(y, c.dropout(), true).singletonOrThrow()
                    : y;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, in.singletonOrThrow(), training));
        }
    }
}
