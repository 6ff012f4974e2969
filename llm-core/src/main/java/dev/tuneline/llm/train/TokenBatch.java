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

    /**
     * The trainer's view of a data-module batch. Packed rows (position ids restarting inside a row) are rejected: the
     * models take positions from the attention mask and attend across the whole row, so examples would leak into
     * each other.
     */
    public static TokenBatch of(dev.tuneline.llm.data.SftBatch batch) {
        int[][] pos = batch.positionIds();
        int[][] mask = batch.attentionMask();
        for (int b = 0; pos != null && b < pos.length; b++) {
            int next = 0;
            for (int t = 0; t < pos[b].length; t++) {
                if (mask[b][t] != 0) {
                    if (pos[b][t] != next) {
                        throw new IllegalArgumentException("batch row " + b + " is packed (position " + pos[b][t]
                                + " at index " + t + ", expected " + next + "): the models read positions from the "
                                + "attention mask and would attend across packed examples; encode without packing");
                    }
                    next++;
                }
            }
        }
        return new TokenBatch(batch.inputIds(), batch.labels(), mask);
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
