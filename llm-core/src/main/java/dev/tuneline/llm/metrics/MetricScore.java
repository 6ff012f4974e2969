package dev.tuneline.llm.metrics;

/**
 * A sacreBLEU-style corpus or sentence score (BLEU, chrF) with its name, signature and sacreBLEU's printed
 * forms: the score line, the CLI's text line with signature, and the CLI's JSON object.
 */
public abstract class MetricScore {

    private final String name;
    private final double score;
    private final Signature signature;

    MetricScore(String name, double score, Signature signature) {
        this.name = name;
        this.score = score;
        this.signature = signature;
    }

    /** The metric's name as printed: {@code BLEU}, {@code chrF2}, {@code chrF2++}. */
    public String name() {
        return name;
    }

    /** The score on sacreBLEU's 0..100 scale. */
    public double score() {
        return score;
    }

    /** The signature string, e.g. {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0}. */
    public String signature() {
        return signature.format(false);
    }

    /** The signature as an object (short form, field access). */
    public Signature signatureInfo() {
        return signature;
    }

    /** What follows the score on the line (BLEU's precisions and lengths; empty for chrF). */
    public abstract String verbose();

    /** sacreBLEU's default {@code format()}: the score with 2 decimals, e.g. {@code BLEU = 48.53 82.4/...} or {@code chrF2 = 59.73}. */
    public String format() {
        return format(2);
    }

    /** The score line with {@code width} decimals for the score. */
    public String format(int width) {
        return ScoreText.line(name, score, width, verbose(), "");
    }

    /**
     * The line sacreBLEU's CLI prints in text mode, {@code NAME|SIGNATURE = SCORE ...}; {@code abbreviated}
     * gives {@code --short}'s signature.
     */
    public String formatWithSignature(int width, boolean abbreviated) {
        return ScoreText.line(name, score, width, verbose(), signature.format(abbreviated));
    }

    /** The score alone with {@code width} decimals, as {@code -b} prints it. */
    public String formatScoreOnly(int width) {
        return ScoreText.scoreOnly(score, width);
    }

    /** The JSON object sacreBLEU's CLI prints by default (score rounded to {@code width} decimals). */
    public String toJson(int width) {
        return ScoreText.json(name, score, width, verbose(), signature);
    }

    @Override
    public String toString() {
        return format();
    }
}
