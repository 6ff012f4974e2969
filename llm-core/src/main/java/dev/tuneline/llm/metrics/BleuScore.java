package dev.tuneline.llm.metrics;

import java.util.Arrays;

/**
 * A sacreBLEU BLEU score (0..100) with its sufficient statistics, brevity penalty, lengths and signature;
 * {@link #format()} prints sacreBLEU's score line, e.g.
 * {@code BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)}.
 */
public final class BleuScore extends MetricScore {

    private final long[] counts;
    private final long[] totals;
    private final double[] precisions;
    private final double bp;
    private final long sysLen;
    private final long refLen;

    BleuScore(double score, long[] counts, long[] totals, double[] precisions, double bp, long sysLen,
            long refLen, Signature signature) {
        super("BLEU", score, signature);
        this.counts = counts.clone();
        this.totals = totals.clone();
        this.precisions = precisions.clone();
        this.bp = bp;
        this.sysLen = sysLen;
        this.refLen = refLen;
    }

    /**
     * Matched (clipped) n-grams per order 1..N. These are the raw statistics: for {@code add-k} smoothing
     * sacreBLEU's own {@code counts} additionally carry the added k for orders above 1.
     */
    public long[] counts() {
        return counts.clone();
    }

    /** Hypothesis n-grams per order 1..N (raw, see {@link #counts()}). */
    public long[] totals() {
        return totals.clone();
    }

    /** Smoothed n-gram precisions per order on a 0..100 scale (0 for orders not reached). */
    public double[] precisions() {
        return precisions.clone();
    }

    /** Brevity penalty. */
    public double bp() {
        return bp;
    }

    /** Hypothesis length in tokens, summed over segments. */
    public long sysLen() {
        return sysLen;
    }

    /** Reference length in tokens: per segment the closest reference length (ties to the shorter), summed. */
    public long refLen() {
        return refLen;
    }

    /** sysLen / refLen, or 0 when refLen is 0. */
    public double ratio() {
        return refLen == 0 ? 0.0 : (double) sysLen / refLen;
    }

    /** The part after the score: {@code 82.4/50.0/45.5/37.5 (BP = 0.966 ratio = 0.966 hyp_len = 17 ref_len = 18)}. */
    @Override
    public String verbose() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < precisions.length; i++) {
            if (i > 0) {
                sb.append('/');
            }
            sb.append(PyStrings.fixed(precisions[i], 1));
        }
        return sb.append(" (BP = ").append(PyStrings.fixed(bp, 3))
                .append(" ratio = ").append(PyStrings.fixed(ratio(), 3))
                .append(" hyp_len = ").append(sysLen)
                .append(" ref_len = ").append(refLen).append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleuScore b && Double.compare(score(), b.score()) == 0 && Arrays.equals(counts, b.counts)
                && Arrays.equals(totals, b.totals) && Arrays.equals(precisions, b.precisions)
                && Double.compare(bp, b.bp) == 0 && sysLen == b.sysLen && refLen == b.refLen
                && signature().equals(b.signature());
    }

    @Override
    public int hashCode() {
        return Double.hashCode(score()) * 31 + Arrays.hashCode(counts);
    }
}
