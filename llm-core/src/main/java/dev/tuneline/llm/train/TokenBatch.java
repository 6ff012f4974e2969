package dev.tuneline.llm.train;

/**
 * One padded SFT micro-batch, rows of equal length: {@code inputIds} (B, T), {@code labels} (B, T) with -100 where
 * no loss is taken (prompt, padding), {@code attentionMask} (B, T) of 0/1. Labels are not shifted: the loss
 * shifts them, as HF does.
 */
public record TokenBatch(int[][] inputIds, int[][] labels, int[][] attentionMask) {

    /** Checks that the three arrays are non-empty rectangles of the same shape; errors name the row. */
    public TokenBatch {
        if (inputIds == null || inputIds.length == 0) {
            throw new IllegalArgumentException("TokenBatch: inputIds has no rows");
        }
        int t = inputIds[0].length;
        Batches.checkRect("inputIds", inputIds, inputIds.length, t);
        Batches.checkRect("labels", labels, inputIds.length, t);
        Batches.checkRect("attentionMask", attentionMask, inputIds.length, t);
    }

    /** Rows (B). */
    public int size() {
        return inputIds.length;
    }

    /** Sequence length (T). */
    public int seqLength() {
        return inputIds[0].length;
    }

    /** Positions that carry loss after the shift: labels[b][t] != -100 for t &gt;= 1. */
    public long targetTokens() {
        return MaskedLmLoss.countTargets(labels);
    }

    /** Attended (non-padding) tokens, the unit of tokens/s. */
    public long attendedTokens() {
        return Batches.sum(attentionMask);
    }
}
