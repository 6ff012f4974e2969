package dev.tuneline.llm.metrics;

/** A sacreBLEU chrF / chrF++ score (0..100) named {@code chrF2} / {@code chrF2++}, with its signature. */
public final class ChrfScore extends MetricScore {

    ChrfScore(double score, String name, Signature signature) {
        super(name, score, signature);
    }

    /** chrF prints nothing after the score. */
    @Override
    public String verbose() {
        return "";
    }
}
