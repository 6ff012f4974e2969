package dev.tuneline.llm.data;

/**
 * A right-padded (B, T) batch. Padding positions have attention mask 0 and label {@link SftEncoder#IGNORE_INDEX};
 * their input id is the pad id, which may equal the EOS id (only positions tell padding apart).
 *
 * @param inputIds (B, T) token ids
 * @param labels (B, T) labels
 * @param attentionMask (B, T) 1 on real tokens, 0 on padding
 * @param positionIds (B, T) position ids (restarting per example in packed rows, 0 on padding)
 */
public record SftBatch(int[][] inputIds, int[][] labels, int[][] attentionMask, int[][] positionIds) {

    /** B. */
    public int batchSize() {
        return inputIds.length;
    }

    /** T. */
    public int seqLength() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }
}
