package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;

/**
 * Next-token cross-entropy over labels != -100, HF style: logits at position t predict labels at t+1.
 *
 * <p>Built from log-softmax, gather and a 0/1 mask (the engine has no ignore_index). {@link #sum} returns the
 * summed negative log-likelihood so that a trainer can divide by the target count of a whole accumulation window
 * (not average per-micro-batch means).
 */
public final class MaskedLmLoss {
    /** The label that takes no loss (HF/torch {@code ignore_index}). */
    public static final int IGNORE_INDEX = -100;

    private MaskedLmLoss() {}

    /**
     * Summed NLL: logits (B, T, V) float, labels (B, T) int64 (unshifted) → scalar. Differentiable in logits.
     */
    public static NDArray sum(NDArray logits, NDArray labels) {
        Shape ls = logits.getShape();
        Shape ys = labels.getShape();
        if (ls.dimension() != 3 || ys.dimension() != 2 || ls.get(0) != ys.get(0) || ls.get(1) != ys.get(1)) {
            throw new IllegalArgumentException("MaskedLmLoss: need logits (B, T, V) and labels (B, T), got " + ls
                    + " and " + ys);
        }
        if (ls.get(1) < 2) {
            throw new IllegalArgumentException("MaskedLmLoss: sequences need at least 2 positions, got T=" + ls.get(1));
        }
        // shift the labels, not the logits: slicing (B, T, V) would copy it and its gradient once more
        long b = ys.get(0);
        NDArray targets = labels.get(":, 1:").toType(DataType.INT64, false)
                .concat(labels.getManager().full(new Shape(b, 1), IGNORE_INDEX, DataType.INT64), 1); // (B, T)
        NDArray keep = targets.neq(IGNORE_INDEX); // (B, T) bool, last position always false
        NDArray safeTargets = targets.mul(keep.toType(DataType.INT64, false)); // -100 -> 0
        NDArray logProbs = logits.logSoftmax(-1); // (B, T, V)
        NDArray picked = logProbs.gather(safeTargets.expandDims(-1), -1).squeeze(-1); // (B, T)
        return picked.mul(keep.toType(logits.getDataType(), false)).sum().neg(); // ()
    }

    /**
     * The same summed NLL as {@link #sum}, computing logits only where a label is scored: the hidden states of those
     * positions are gathered first and only they go through the LM head. Prompt tokens (instruction masking) and
     * padding never reach the vocabulary projection, which saves its FLOPs and, more, its (B, T, V) activations and
     * their gradients. Differentiable in {@code hidden} and in the head's parameters.
     *
     * @param hidden final hidden states (B, T, P)
     * @param labels unshifted labels (B, T), -100 = no loss
     * @param head the LM head, (N, P) → (N, V); its result is closed once the log-softmax is taken
     * @return scalar summed NLL (0, still attached to the graph, when nothing is scored)
     */
    public static NDArray sumAtTargets(NDArray hidden, int[][] labels, UnaryOperator<NDArray> head) {
        Shape hs = hidden.getShape();
        if (hs.dimension() != 3 || hs.get(0) != labels.length || (labels.length > 0 && hs.get(1) != labels[0].length)) {
            throw new IllegalArgumentException("MaskedLmLoss: need hidden (B, T, P) and labels (B, T), got " + hs
                    + " and " + labels.length + " rows");
        }
        int b = labels.length;
        int t = (int) hs.get(1);
        long p = hs.get(2);
        int n = (int) countTargets(labels);
        NDManager m = hidden.getManager();
        if (n == 0) {
            return hidden.sum().mul(m.create(0f));
        }
        long[] positions = new long[n];  // flat index b * T + t of the position that predicts labels[b][t + 1]
        long[] targets = new long[n];
        int k = 0;
        for (int r = 0; r < b; r++) {
            for (int c = 1; c < t; c++) {
                if (labels[r][c] != IGNORE_INDEX) {
                    positions[k] = (long) r * t + c - 1;
                    targets[k] = labels[r][c];
                    k++;
                }
            }
        }
        NDArray index = m.create(positions).reshape(n, 1).broadcast(new Shape(n, p));       // (N, P)
        NDArray picked = hidden.reshape(b * (long) t, p).gather(index, 0);                  // (N, P)
        NDArray logits = head.apply(picked);                                                // (N, V)
        NDArray logProbs = logits.logSoftmax(-1);                                           // (N, V)
        logits.close(); // backward needs only logProbs (log-softmax saves its output): one (N, V) less held
        return logProbs.gather(m.create(targets).reshape(n, 1), 1).sum().neg();             // ()
    }

    /** Mean NLL over the batch's targets (HF's loss for one batch); a batch without targets is an error. */
    public static NDArray mean(NDArray logits, NDArray labels) {
        long n = labels.get(":, 1:").neq(IGNORE_INDEX).countNonzero().getLong();
        if (n == 0) {
            throw new IllegalArgumentException("MaskedLmLoss: no label != -100 after the shift");
        }
        return sum(logits, labels).div(logits.getManager().create((float) n));
    }

    /** The number of targets of unshifted labels (B, T): entries labels[b][t] != -100 with t &gt;= 1. */
    public static long countTargets(int[][] labels) {
        long n = 0;
        for (int[] row : labels) {
            for (int t = 1; t < row.length; t++) {
                if (row[t] != IGNORE_INDEX) {
                    n++;
                }
            }
        }
        return n;
    }
}
