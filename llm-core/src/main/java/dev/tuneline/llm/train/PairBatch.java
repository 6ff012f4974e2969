package dev.tuneline.llm.train;

/**
 * One padded preference micro-batch: chosen and rejected rows (B, Tc) and (B, Tr) with their 0/1 attention masks,
 * and an optional per-pair margin (B) for the Bradley-Terry loss (null = no margin).
 */
public record PairBatch(int[][] chosenIds, int[][] chosenMask, int[][] rejectedIds, int[][] rejectedMask,
        float[] margins) {

    /** Checks shapes; errors name the array and row. */
    public PairBatch {
        if (chosenIds == null || chosenIds.length == 0) {
            throw new IllegalArgumentException("PairBatch: chosenIds has no rows");
        }
        int b = chosenIds.length;
        Batches.checkRect("chosenIds", chosenIds, b, chosenIds[0].length);
        Batches.checkRect("chosenMask", chosenMask, b, chosenIds[0].length);
        if (rejectedIds == null || rejectedIds.length != b) {
            throw new IllegalArgumentException("PairBatch: rejectedIds must have " + b + " rows like chosenIds, got "
                    + (rejectedIds == null ? "null" : rejectedIds.length));
        }
        Batches.checkRect("rejectedIds", rejectedIds, b, rejectedIds[0].length);
        Batches.checkRect("rejectedMask", rejectedMask, b, rejectedIds[0].length);
        if (margins != null && margins.length != b) {
            throw new IllegalArgumentException("PairBatch: margins must have " + b + " entries, got " + margins.length);
        }
    }

    /** A batch without margins. */
    public PairBatch(int[][] chosenIds, int[][] chosenMask, int[][] rejectedIds, int[][] rejectedMask) {
        this(chosenIds, chosenMask, rejectedIds, rejectedMask, null);
    }

    /** The trainer's view of a data-module pair batch (same arrays; margins null when no pair has one). */
    public static PairBatch of(dev.tuneline.llm.data.PairBatch batch) {
        return new PairBatch(batch.chosenIds(), batch.chosenMask(), batch.rejectedIds(), batch.rejectedMask(),
                batch.margins());
    }

    /** Pairs (B). */
    public int size() {
        return chosenIds.length;
    }

    /** The longer of the two sequence lengths. */
    public int seqLength() {
        return Math.max(chosenIds[0].length, rejectedIds[0].length);
    }

    /** Attended tokens of both sides, the unit of tokens/s. */
    public long attendedTokens() {
        return Batches.sum(chosenMask) + Batches.sum(rejectedMask);
    }
}
