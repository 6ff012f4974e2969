package dev.tuneline.llm.metrics;

/** A sacreBLEU chrF / chrF++ score (0..100) with its name ({@code chrF2}, {@code chrF2++}) and signature. */
public final class ChrfScore {

    private final double score;
    private final String name;
    private final Signature signature;

    ChrfScore(double score, String name, Signature signature) {
        this.score = score;
        this.name = name;
        this.signature = signature;
    }

    /** chrF on a 0..100 scale. */
    public double score() {
        return score;
    }

    /** {@code chrF2} or {@code chrF2++} (beta and one '+' per word order). */
    public String name() {
        return name;
    }

    /** The signature, e.g. {@code nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0}. */
    public String signature() {
        return signature.format(false);
    }

    /** The signature as an object. */
    public Signature signatureInfo() {
        return signature;
    }

    /** sacreBLEU's default line, e.g. {@code chrF2 = 59.73}. */
    public String format() {
        return format(2);
    }

    /** The score line with {@code width} decimals. */
    public String format(int width) {
        return ScoreText.line(name, score, width, "", "");
    }

    /** The CLI's text line: {@code chrF2|nrefs:1|...|version:2.6.0 = 59.7}. */
    public String formatWithSignature(int width, boolean abbreviated) {
        return ScoreText.line(name, score, width, "", signature.format(abbreviated));
    }

    /** The CLI's JSON object. */
    public String toJson(int width) {
        return ScoreText.json(name, score, width, "", signature);
    }

    @Override
    public String toString() {
        return format();
    }
}
