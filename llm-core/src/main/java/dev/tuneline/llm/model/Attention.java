package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

/**
 * Shared pieces of causal self-attention: position ids from the attention mask, the additive
 * causal + padding bias, head split/merge and the softmax(QK^T)V core.
 */
final class Attention {

    /** The additive bias for disallowed keys, as HuggingFace ({@code torch.finfo(float32).min}). */
    static final float MASKED = -Float.MAX_VALUE;

    private Attention() {}

    /**
     * Position ids that ignore left padding: the i-th attended token of a row gets position i.
     * Pad positions get {@code padValue} (HF: OPT -1, GPT-2 generation 1). Only the last
     * {@code tNew} columns are returned (those of the tokens fed in this call).
     *
     * @param mask int64 {@code (B, T_past + T_new)}
     * @return int64 {@code (B, T_new)}
     */
    static NDArray positionIds(NDArray mask, int tNew, long padValue) {
        long total = mask.getShape().get(1);
        NDArray m = mask.toType(DataType.INT64, false);
        NDArray pos = m.cumSum(1).sub(1).mul(m);                       // (B, T) pads -> 0
        if (padValue != 0) {
            NDArray pads = m.eq(0).toType(DataType.INT64, false).mul(padValue);
            pos = pos.add(pads);
        }
        return pos.get(new NDIndex().addAllDim().addSliceDim(total - tNew, total));
    }

    /**
     * Additive attention bias: 0 where query i (absolute index {@code T_past + i}) may see key j
     * (j <= T_past + i and mask[b, j] = 1), {@link #MASKED} elsewhere.
     *
     * @param mask int64 {@code (B, T_k)} covering past and new tokens
     * @return float32 {@code (B, 1, T_new, T_k)}
     */
    static NDArray causalBias(NDArray mask, int tNew) {
        NDManager m = mask.getManager();
        long b = mask.getShape().get(0);
        int tk = (int) mask.getShape().get(1);
        int past = tk - tNew;
        NDArray q = m.arange(past, tk, 1, DataType.INT64).reshape(tNew, 1);    // (T_new, 1)
        NDArray k = m.arange(0, tk, 1, DataType.INT64).reshape(1, tk);        // (1, T_k)
        NDArray causal = k.lte(q).reshape(1, 1, tNew, tk);                   // (1, 1, T_new, T_k)
        NDArray keyOk = mask.eq(1).reshape(b, 1, 1, tk);                      // (B, 1, 1, T_k)
        NDArray allowed = causal.logicalAnd(keyOk);                           // (B, 1, T_new, T_k)
        return allowed.logicalNot().toType(DataType.FLOAT32, false).mul(m.create(MASKED));
    }

    /** {@code (B, T, H)} -> {@code (B, heads, T, H / heads)}. */
    static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /** {@code (B, heads, T, d)} -> {@code (B, T, heads * d)}. */
    static NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /**
     * {@code softmax(q k^T [/ divisor] + bias) v}.
     *
     * @param q {@code (B, h, T_q, d)}
     * @param k {@code (B, h, T_k, d)}
     * @param v {@code (B, h, T_k, d)}
     * @param bias {@code (B, 1, T_q, T_k)}
     * @param divisor scalar array dividing the scores, or null
     * @return {@code (B, h, T_q, d)}
     */
    static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, NDArray divisor,
            float dropout, boolean training) {
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));                  // (B, h, T_q, T_k)
        if (divisor != null) {
            scores = scores.div(divisor);
        }
        NDArray probs = scores.add(bias).softmax(-1);
        if (training && dropout > 0) {
            probs = Dropout.dropout(probs, dropout, true).singletonOrThrow();
        }
        return probs.matMul(v);
    }
}
