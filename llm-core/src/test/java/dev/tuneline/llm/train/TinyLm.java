package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;

/**
 * Test-only causal LM with the models' forward contract: (input_ids (B, T) int64, attention_mask (B, T) int64) →
 * logits (B, T, V). One pre-LN single-head attention block; with {@code reward = true} it returns rewards (B) read
 * by a bias-free score head at the last attended token. Parameters carry HF-style names.
 */
final class TinyLm extends AbstractBlock {
    private final int vocab;
    private final int dim;
    private final boolean reward;
    private final LinkedHashMap<String, Parameter> named = new LinkedHashMap<>();

    TinyLm(int vocab, int dim, int maxLen, boolean reward) {
        this.vocab = vocab;
        this.dim = dim;
        this.reward = reward;
        weight("wte.weight", vocab, dim);
        weight("wpe.weight", maxLen, dim);
        norm("ln_1", dim);
        for (String p : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            weight("attn." + p + ".weight", dim, dim);
            bias("attn." + p + ".bias", dim);
        }
        weight("mlp.fc.weight", 4 * dim, dim);
        bias("mlp.fc.bias", 4 * dim);
        weight("mlp.proj.weight", dim, 4 * dim);
        bias("mlp.proj.bias", dim);
        norm("ln_f", dim);
        if (reward) {
            weight("score.weight", 1, dim);
        } else {
            weight("lm_head.weight", vocab, dim);
            bias("lm_head.bias", vocab);
        }
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    private void weight(String name, long... shape) {
        named.put(name, addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(shape)).build()));
    }

    private void bias(String name, long n) {
        named.put(name, addParameter(Parameter.builder().setName(name).setType(Parameter.Type.BIAS)
                .optShape(new Shape(n)).build()));
    }

    private void norm(String prefix, long n) {
        named.put(prefix + ".weight", addParameter(Parameter.builder().setName(prefix + ".weight")
                .setType(Parameter.Type.GAMMA).optShape(new Shape(n)).build()));
        named.put(prefix + ".bias", addParameter(Parameter.builder().setName(prefix + ".bias")
                .setType(Parameter.Type.BETA).optShape(new Shape(n)).build()));
    }

    /** Parameters by HF-style name. */
    LinkedHashMap<String, Parameter> namedParameters() {
        return named;
    }

    private NDArray p(String name) {
        return named.get(name).getArray();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0); // (B, T)
        NDArray mask = inputs.get(1); // (B, T)
        NDManager m = ids.getManager();
        long t = ids.getShape().get(1);
        NDArray pos = m.arange(0, (int) t, 1, DataType.INT64); // (T)
        NDArray x = Embedding.embedding(ids, p("wte.weight"), ai.djl.ndarray.types.SparseFormat.DENSE).get(0)
                .add(Embedding.embedding(pos, p("wpe.weight"), ai.djl.ndarray.types.SparseFormat.DENSE).get(0)); // (B, T, C)
        NDArray h = LayerNorm.layerNorm(x, new Shape(dim), p("ln_1.weight"), p("ln_1.bias"), 1e-5f).get(0);
        NDArray q = Linear.linear(h, p("attn.q_proj.weight"), p("attn.q_proj.bias")).get(0);
        NDArray k = Linear.linear(h, p("attn.k_proj.weight"), p("attn.k_proj.bias")).get(0);
        NDArray v = Linear.linear(h, p("attn.v_proj.weight"), p("attn.v_proj.bias")).get(0);
        NDArray scores = q.matMul(k.transpose(0, 2, 1)).mul(m.create((float) (1 / Math.sqrt(dim)))); // (B, T, T)
        NDArray causal = pos.expandDims(1).gte(pos.expandDims(0)); // (T, T)
        NDArray allowed = causal.expandDims(0).logicalAnd(mask.expandDims(1).toType(DataType.BOOLEAN, false));
        NDArray bias = m.create(1f).sub(allowed.toType(DataType.FLOAT32, false)).mul(m.create(-1e9f)); // (B, T, T)
        NDArray att = scores.add(bias).softmax(-1);
        x = x.add(Linear.linear(att.matMul(v), p("attn.out_proj.weight"), p("attn.out_proj.bias")).get(0));
        NDArray f = Linear.linear(x, p("mlp.fc.weight"), p("mlp.fc.bias")).get(0);
        f = f.maximum(m.create(0f));
        x = x.add(Linear.linear(f, p("mlp.proj.weight"), p("mlp.proj.bias")).get(0));
        x = LayerNorm.layerNorm(x, new Shape(dim), p("ln_f.weight"), p("ln_f.bias"), 1e-5f).get(0); // (B, T, C)
        if (!reward) {
            return new NDList(Linear.linear(x, p("lm_head.weight"), p("lm_head.bias")).get(0)); // (B, T, V)
        }
        NDArray last = mask.sum(new int[] {1}).sub(m.create(1L)); // (B)
        NDArray picked = x.gather(last.reshape(-1, 1, 1).repeat(2, dim), 1).squeeze(1); // (B, C)
        return new NDList(Linear.linear(picked, p("score.weight")).get(0).squeeze(-1)); // (B)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {reward ? new Shape(s.get(0)) : new Shape(s.get(0), s.get(1), vocab)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}

    /** A block built and initialised in {@code manager} with seed {@code seed}. */
    static TinyLm create(NDManager manager, int vocab, int dim, int maxLen, boolean reward, int seed) {
        ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
        TinyLm lm = new TinyLm(vocab, dim, maxLen, reward);
        lm.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1, 2));
        return lm;
    }
}
