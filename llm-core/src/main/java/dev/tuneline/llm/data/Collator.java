package dev.tuneline.llm.data;

import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.util.List;

/**
 * Pads sequences to right-padded (B, T) batches. Padding is marked by position only (attention mask 0, label
 * {@link SftEncoder#IGNORE_INDEX}), never by comparing ids with the pad id, so pad = EOS keeps the real EOS in the
 * labels. T is the longest sequence, rounded up to a multiple of {@code padToMultipleOf}.
 */
public final class Collator {

    private final int padId;
    private final int padToMultipleOf;

    /** A collator padding with {@code padId}. */
    public Collator(int padId) {
        this(padId, 1);
    }

    /** A collator padding with {@code padId} to a length that is a multiple of {@code padToMultipleOf}. */
    public Collator(int padId, int padToMultipleOf) {
        if (padId < 0) {
            throw new IllegalArgumentException("padId must be non-negative, got " + padId);
        }
        if (padToMultipleOf < 1) {
            throw new IllegalArgumentException("padToMultipleOf must be positive, got " + padToMultipleOf);
        }
        this.padId = padId;
        this.padToMultipleOf = padToMultipleOf;
    }

    /**
     * A collator using the tokenizer's pad token.
     *
     * @throws IllegalArgumentException when the tokenizer has none (GPT-2): configure one, e.g.
     *         {@code tokenizer.withPadToken(tokenizer.eosId())}
     */
    public static Collator forTokenizer(TextTokenizer tokenizer) {
        return new Collator(tokenizer.padId().orElseThrow(() -> new IllegalArgumentException("tokenizer "
                + tokenizer.source() + " has no pad token; set one, e.g. withPadToken(eosId()) for pad = eos")));
    }

    /** The pad id. */
    public int padId() {
        return padId;
    }

    /** Pads SFT sequences (encoded or packed) into one batch. */
    public SftBatch collate(List<? extends SftSequence> sequences) {
        int t = paddedLength(sequences.stream().mapToInt(SftSequence::length).max().orElse(0));
        int b = sequences.size();
        int[][] ids = new int[b][t];
        int[][] labels = new int[b][t];
        int[][] mask = new int[b][t];
        int[][] positions = new int[b][t];
        for (int i = 0; i < b; i++) {
            SftSequence s = sequences.get(i);
            int n = s.length();
            System.arraycopy(s.inputIds(), 0, ids[i], 0, n);
            System.arraycopy(s.labels(), 0, labels[i], 0, n);
            System.arraycopy(s.positionIds(), 0, positions[i], 0, n);
            for (int j = 0; j < n; j++) {
                mask[i][j] = 1;
            }
            for (int j = n; j < t; j++) {
                ids[i][j] = padId;
                labels[i][j] = SftEncoder.IGNORE_INDEX;
            }
        }
        return new SftBatch(ids, labels, mask, positions);
    }

    /** Pads preference pairs; both sides share T. */
    public PairBatch collatePairs(List<EncodedPair> pairs) {
        int longest = 0;
        boolean anyMargin = false;
        for (EncodedPair p : pairs) {
            longest = Math.max(longest, Math.max(p.chosenIds().length, p.rejectedIds().length));
            anyMargin |= p.margin() != null;
        }
        int t = paddedLength(longest);
        int b = pairs.size();
        int[] rows = new int[b];
        int[][] chosen = new int[b][];
        int[][] chosenMask = new int[b][];
        int[][] rejected = new int[b][];
        int[][] rejectedMask = new int[b][];
        float[] margins = anyMargin ? new float[b] : null;
        for (int i = 0; i < b; i++) {
            EncodedPair p = pairs.get(i);
            rows[i] = p.row();
            chosen[i] = padded(p.chosenIds(), t);
            chosenMask[i] = mask(p.chosenIds().length, t);
            rejected[i] = padded(p.rejectedIds(), t);
            rejectedMask[i] = mask(p.rejectedIds().length, t);
            if (margins != null && p.margin() != null) {
                margins[i] = p.margin();
            }
        }
        return new PairBatch(rows, chosen, chosenMask, rejected, rejectedMask, margins);
    }

    private int paddedLength(int longest) {
        return (longest + padToMultipleOf - 1) / padToMultipleOf * padToMultipleOf;
    }

    private int[] padded(int[] ids, int t) {
        int[] out = new int[t];
        System.arraycopy(ids, 0, out, 0, ids.length);
        for (int j = ids.length; j < t; j++) {
            out[j] = padId;
        }
        return out;
    }

    private static int[] mask(int n, int t) {
        int[] out = new int[t];
        for (int j = 0; j < n; j++) {
            out[j] = 1;
        }
        return out;
    }
}
