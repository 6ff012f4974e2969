package dev.tuneline.llm.data;

/**
 * A token sequence with labels aligned to it (HuggingFace convention: {@code labels[i]} is the target for position
 * {@code i}, {@link SftEncoder#IGNORE_INDEX} where no loss is taken; the loss shifts by one inside the model).
 */
public interface SftSequence {

    /** Token ids, length T. */
    int[] inputIds();

    /** Labels, length T: a token id or {@link SftEncoder#IGNORE_INDEX}. */
    int[] labels();

    /** Position ids, length T: 0..T-1 unless the sequence packs several examples. */
    default int[] positionIds() {
        int[] p = new int[inputIds().length];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        return p;
    }

    /** Number of tokens. */
    default int length() {
        return inputIds().length;
    }

    /** Number of positions that carry a loss. */
    default int trainedTokens() {
        int n = 0;
        for (int label : labels()) {
            if (label != SftEncoder.IGNORE_INDEX) {
                n++;
            }
        }
        return n;
    }
}
