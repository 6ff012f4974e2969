package dev.tuneline.llm.metrics;

import java.util.Arrays;

/**
 * A sacreBLEU BLEU score (0..100) with its sufficient statistics, brevity penalty, lengths and signature;
 * {@link #format()} prints sacreBLEU's score line, {@link #toJson(int)} its CLI's JSON.
 */
public final class BleuScore {

    private final double score;
    private final long[] counts;
    private final long[] totals;
    private final double[] precisions;
    private final double bp;
    private final long sysLen;
    private final long refLen;
    private final Signature signature;

    BleuScore(double score, long[] counts, long[] totals, double[] precisions, double bp, long sysLen,
            long refLen, Signature signature) {
        this.score = score;
        this.counts = counts.clone();
        this.totals = totals.clone();
        this.precisions = precisions.clone();
        this.bp = bp;
        this.sysLen = sysLen;
        this.refLen = refLen;
        this.signature = signature;
    }

    /** BLEU on sacreBLEU's 0..100 scale. */
    public double score() {
        return score;
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

    /** The signature string, e.g. {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0}. */
    public String signature() {
        return signature.format(false);
    }

    /** The signature as an object (short form, field access). */
    public Signature signatureInfo() {
        return signature;
    }

    /** sacreBLEU's default line: {@code BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.966 ratio = 0.966 hyp_len = 17 ref_len = 18)}. */
    public String format() {
        return format(2);
    }

    /** The score line with {@code width} decimals for the score. */
    public String format(int width) {
        return ScoreText.line("BLEU", score, width, verbose(), "");
    }

    /**
     * The line sacreBLEU's CLI prints in text mode: {@code BLEU|nrefs:1|...|version:2.6.0 = 48.5 ...}
     * ({@code abbreviated} gives {@code --short}'s signature).
     */
    public String formatWithSignature(int width, boolean abbreviated) {
        return ScoreText.line("BLEU", score, width, verbose(), signature.format(abbreviated));
    }

    /** The JSON object sacreBLEU's CLI prints by default (score rounded to {@code width} decimals). */
    public String toJson(int width) {
        return ScoreText.json("BLEU", score, width, verbose(), signature);
    }

    /** The part after the score: {@code 82.4/50.0/45.5/37.5 (BP = 0.966 ratio = 0.966 hyp_len = 17 ref_len = 18)}. */
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
    public String toString() {
        return format();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleuScore b && Double.compare(score, b.score) == 0 && Arrays.equals(counts, b.counts)
                && Arrays.equals(totals, b.totals) && Arrays.equals(precisions, b.precisions)
                && Double.compare(bp, b.bp) == 0 && sysLen == b.sysLen && refLen == b.refLen
                && signature.format().equals(b.signature.format());
    }

    @Override
    public int hashCode() {
        return Double.hashCode(score) * 31 + Arrays.hashCode(counts);
    }
}
