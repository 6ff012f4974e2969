package dev.tuneline.llm.data;

/**
 * A right-padded batch of preference pairs; both sides share T so they can be stacked into (2B, T).
 *
 * @param rows (B) source row numbers
 * @param chosenIds (B, T) ids of prompt + chosen response + EOS
 * @param chosenMask (B, T) 1 on real tokens, 0 on padding
 * @param rejectedIds (B, T) ids of prompt + rejected response + EOS
 * @param rejectedMask (B, T) 1 on real tokens, 0 on padding
 * @param margins (B) margins, missing ones as 0; {@code null} when no pair in the batch has a margin
 */
public record PairBatch(int[] rows, int[][] chosenIds, int[][] chosenMask, int[][] rejectedIds,
                        int[][] rejectedMask, float[] margins) {

    /** B. */
    public int batchSize() {
        return rows.length;
    }

    /** T. */
    public int seqLength() {
        return chosenIds.length == 0 ? 0 : chosenIds[0].length;
    }

    /** (B) index of the last real token of each chosen sequence (where a reward model reads its score). */
    public int[] chosenLastIndex() {
        return lastIndex(chosenMask);
    }

    /** (B) index of the last real token of each rejected sequence. */
    public int[] rejectedLastIndex() {
        return lastIndex(rejectedMask);
    }

    private static int[] lastIndex(int[][] mask) {
        int[] last = new int[mask.length];
        for (int b = 0; b < mask.length; b++) {
            int n = 0;
            for (int m : mask[b]) {
                n += m;
            }
            last[b] = n - 1;
        }
        return last;
    }
}
