package dev.tuneline.llm.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * chrF and chrF++ exactly as sacreBLEU 2.6.0 computes them ({@code sacrebleu.metrics.CHRF}, Popović 2015/2017):
 * character n-grams of orders 1..charOrder (whitespace removed unless kept), plus for chrF++ word n-grams of
 * orders 1..wordOrder over words with one leading or trailing ASCII punctuation mark split off; per segment the
 * reference with the best F-score is chosen, statistics are summed over the corpus, and the F-beta score
 * averages precision and recall over the orders both sides have (sacreBLEU's default "effective order"), or
 * with eps smoothing averages per-order F-scores as chrF++.py / NLTK / Moses do.
 */
public final class Chrf {

    private static final String PUNCTS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final double EPS = 1e-16;

    private final int charOrder;
    private final int wordOrder;
    private final int beta;
    private final boolean lowercase;
    private final boolean whitespace;
    private final boolean epsSmoothing;

    private Chrf(Builder b) {
        this.charOrder = b.charOrder;
        this.wordOrder = b.wordOrder;
        this.beta = b.beta;
        this.lowercase = b.lowercase;
        this.whitespace = b.whitespace;
        this.epsSmoothing = b.epsSmoothing;
    }

    /** A builder with sacreBLEU's chrF defaults (char order 6, word order 0, beta 2). */
    public static Builder builder() {
        return new Builder();
    }

    /** chrF2 with sacreBLEU's defaults. */
    public static Chrf chrF() {
        return builder().build();
    }

    /** chrF2++: chrF with word n-grams up to order 2. */
    public static Chrf chrFPlusPlus() {
        return builder().optWordOrder(2).build();
    }

    /** Corpus chrF against reference streams ({@code refStreams.get(k).get(i)}: k-th reference of segment i; null = missing). */
    public ChrfScore corpusScore(List<String> hyps, List<List<String>> refStreams) {
        if (hyps == null || hyps.isEmpty()) {
            throw new IllegalArgumentException("hyps: at least one hypothesis is needed");
        }
        if (refStreams == null || refStreams.isEmpty()) {
            throw new IllegalArgumentException("refStreams: at least one reference stream is needed");
        }
        for (int k = 0; k < refStreams.size(); k++) {
            if (refStreams.get(k) == null || refStreams.get(k).size() != hyps.size()) {
                throw new IllegalArgumentException("refStreams[" + k + "]: has "
                        + (refStreams.get(k) == null ? "no" : refStreams.get(k).size()) + " segments but there are "
                        + hyps.size() + " hypotheses");
            }
        }
        long[] sum = new long[3 * (charOrder + wordOrder)];
        int[] refCounts = new int[hyps.size()];
        for (int i = 0; i < hyps.size(); i++) {
            if (hyps.get(i) == null) {
                throw new IllegalArgumentException("hyps[" + i + "]: undefined line in hypotheses stream");
            }
            List<String> refs = new ArrayList<>();
            for (List<String> stream : refStreams) {
                if (stream.get(i) != null) {
                    refs.add(stream.get(i));
                }
            }
            if (refs.isEmpty()) {
                throw new IllegalArgumentException("refStreams: segment " + i + " has no reference (null in every stream)");
            }
            refCounts[i] = refs.size();
            long[] s = segmentStatistics(hyps.get(i), refs);
            for (int j = 0; j < sum.length; j++) {
                sum[j] += s[j];
            }
        }
        return new ChrfScore(fScore(sum), name(), signature(Signature.nrefs(refCounts)));
    }

    /** Sentence chrF of one hypothesis against its references. */
    public ChrfScore sentenceScore(String hyp, List<String> refs) {
        if (refs == null || refs.isEmpty()) {
            throw new IllegalArgumentException("refs: at least one reference is needed");
        }
        List<List<String>> streams = new ArrayList<>();
        for (String r : refs) {
            streams.add(java.util.Collections.singletonList(r));
        }
        return corpusScore(java.util.Collections.singletonList(hyp), streams);
    }

    /** The metric's name as sacreBLEU prints it: {@code chrF2}, {@code chrF2++}. */
    public String name() {
        return "chrF" + beta + "+".repeat(wordOrder);
    }

    /** The signature for a given nrefs value, e.g. {@code nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0}. */
    public Signature signature(String nrefs) {
        return Signature.builder(nrefs)
                .add("case", "c", lowercase ? "lc" : "mixed")
                .add("eff", "e", epsSmoothing ? "no" : "yes")
                .add("nc", "nc", Integer.toString(charOrder))
                .add("nw", "nw", Integer.toString(wordOrder))
                .add("space", "s", whitespace ? "yes" : "no")
                .build();
    }

    /** Per-order [hyp, ref, match] statistics of the best-scoring reference (first one on ties). */
    long[] segmentStatistics(String hyp, List<String> refs) {
        List<Map<String, Integer>> hypNgrams = ngrams(lowercase ? PyStrings.lower(hyp) : hyp);
        long[] best = null;
        double bestF = -1.0;
        for (String ref : refs) {
            List<Map<String, Integer>> refNgrams = ngrams(lowercase ? PyStrings.lower(ref) : ref);
            long[] stats = new long[3 * hypNgrams.size()];
            for (int o = 0; o < hypNgrams.size(); o++) {
                Map<String, Integer> h = hypNgrams.get(o);
                Map<String, Integer> r = refNgrams.get(o);
                long match = 0;
                long hypCount = 0;
                long refCount = 0;
                for (Map.Entry<String, Integer> e : h.entrySet()) {
                    hypCount += e.getValue();
                    Integer rc = r.get(e.getKey());
                    if (rc != null) {
                        match += Math.min(e.getValue(), rc);
                    }
                }
                for (int v : r.values()) {
                    refCount += v;
                }
                // sacreBLEU counts no hypothesis n-grams for an order the reference lacks
                stats[3 * o] = r.isEmpty() ? 0 : hypCount;
                stats[3 * o + 1] = refCount;
                stats[3 * o + 2] = match;
            }
            double f = fScore(stats);
            if (f > bestF) {
                bestF = f;
                best = stats;
            }
        }
        return best;
    }

    /** The chrF score (0..100) from summed statistics. */
    double fScore(long[] stats) {
        int order = charOrder + wordOrder;
        double factor = (double) beta * beta;
        double score = 0.0;
        int effectiveOrder = 0;
        double avgPrec = 0.0;
        double avgRec = 0.0;
        for (int i = 0; i < order; i++) {
            long nHyp = stats[3 * i];
            long nRef = stats[3 * i + 1];
            long nMatch = stats[3 * i + 2];
            double prec = nHyp > 0 ? (double) nMatch / nHyp : EPS;
            double rec = nRef > 0 ? (double) nMatch / nRef : EPS;
            double denom = factor * prec + rec;
            score += denom > 0 ? (1 + factor) * prec * rec / denom : EPS;
            if (nHyp > 0 && nRef > 0) {
                avgPrec += prec;
                avgRec += rec;
                effectiveOrder++;
            }
        }
        if (epsSmoothing) {
            return 100 * score / order;
        }
        if (effectiveOrder == 0) {
            avgPrec = 0.0;
            avgRec = 0.0;
        } else {
            avgPrec /= effectiveOrder;
            avgRec /= effectiveOrder;
        }
        if (avgPrec + avgRec != 0) {
            double s = (1 + factor) * avgPrec * avgRec;
            s /= (factor * avgPrec) + avgRec;
            return 100 * s;
        }
        return 0.0;
    }

    /** Character n-gram counters of orders 1..charOrder, then word n-gram counters of orders 1..wordOrder. */
    private List<Map<String, Integer>> ngrams(String line) {
        List<Map<String, Integer>> out = new ArrayList<>(charOrder + wordOrder);
        String chars = whitespace ? line : String.join("", PyStrings.split(line));
        int[] cps = chars.codePoints().toArray();
        int[] offsets = new int[cps.length + 1];
        for (int i = 0; i < cps.length; i++) {
            offsets[i + 1] = offsets[i] + Character.charCount(cps[i]);
        }
        for (int n = 1; n <= charOrder; n++) {
            Map<String, Integer> c = new HashMap<>();
            for (int i = 0; i + n <= cps.length; i++) {
                c.merge(chars.substring(offsets[i], offsets[i + n]), 1, Integer::sum);
            }
            out.add(c);
        }
        if (wordOrder > 0) {
            List<String> words = splitPunctuation(line);
            for (int n = 1; n <= wordOrder; n++) {
                Map<String, Integer> c = new HashMap<>();
                for (int i = 0; i + n <= words.size(); i++) {
                    c.merge(String.join(" ", words.subList(i, i + n)), 1, Integer::sum);
                }
                out.add(c);
            }
        }
        return out;
    }

    /** sacreBLEU's {@code _remove_punctuation}: one trailing (else leading) ASCII punctuation mark becomes its own word. */
    static List<String> splitPunctuation(String sent) {
        List<String> out = new ArrayList<>();
        for (String w : PyStrings.split(sent)) {
            if (w.codePointCount(0, w.length()) == 1) {
                out.add(w);
            } else if (PUNCTS.indexOf(w.charAt(w.length() - 1)) >= 0) {
                out.add(w.substring(0, w.length() - 1));
                out.add(w.substring(w.length() - 1));
            } else if (PUNCTS.indexOf(w.charAt(0)) >= 0) {
                out.add(w.substring(0, 1));
                out.add(w.substring(1));
            } else {
                out.add(w);
            }
        }
        return out;
    }

    /** Builder for {@link Chrf}. */
    public static final class Builder {
        private int charOrder = 6;
        private int wordOrder = 0;
        private int beta = 2;
        private boolean lowercase;
        private boolean whitespace;
        private boolean epsSmoothing;

        private Builder() {
        }

        /** Character n-gram order (default 6). */
        public Builder optCharOrder(int charOrder) {
            if (charOrder < 0) {
                throw new IllegalArgumentException("char_order: must be >= 0, got " + charOrder);
            }
            this.charOrder = charOrder;
            return this;
        }

        /** Word n-gram order (default 0; 2 gives chrF++). */
        public Builder optWordOrder(int wordOrder) {
            if (wordOrder < 0) {
                throw new IllegalArgumentException("word_order: must be >= 0, got " + wordOrder);
            }
            this.wordOrder = wordOrder;
            return this;
        }

        /** Recall weight beta (default 2). */
        public Builder optBeta(int beta) {
            if (beta < 0) {
                throw new IllegalArgumentException("beta: must be >= 0, got " + beta);
            }
            this.beta = beta;
            return this;
        }

        /** Lowercase both sides. */
        public Builder optLowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /** Keep whitespace inside character n-grams. */
        public Builder optWhitespace(boolean whitespace) {
            this.whitespace = whitespace;
            return this;
        }

        /** chrF++.py/NLTK/Moses eps smoothing instead of sacreBLEU's effective-order averaging. */
        public Builder optEpsSmoothing(boolean epsSmoothing) {
            this.epsSmoothing = epsSmoothing;
            return this;
        }

        /** Builds the metric. */
        public Chrf build() {
            if (charOrder + wordOrder == 0) {
                throw new IllegalArgumentException("char_order + word_order: must be at least 1");
            }
            return new Chrf(this);
        }
    }
}
