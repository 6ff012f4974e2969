package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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
