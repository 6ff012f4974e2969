package dev.tuneline.llm.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * BLEU exactly as sacreBLEU 2.6.0 computes it ({@code sacrebleu.metrics.BLEU}): tokenizers 13a (default),
 * intl, char and none; smoothing exp (default), floor, add-k and none; lowercasing; effective order; any
 * number of references per hypothesis; the same sufficient statistics, score, score line and signature.
 *
 * <p>References come as sacreBLEU's <em>streams</em>: {@code refStreams.get(k).get(i)} is the k-th reference
 * of hypothesis i. A {@code null} entry means "no k-th reference for this hypothesis" (variable number of
 * references, signature {@code nrefs:var}); an empty string is an empty reference, as in sacreBLEU since 2.2.
 * {@link #corpusScorePerHypothesis} takes the transposed, HuggingFace-style layout instead.
 *
 * <p>Per segment the reference length is the reference length closest to the hypothesis length (ties go to
 * the shorter), n-gram matches are clipped by the maximum count over the references, and statistics are
 * summed over the corpus before smoothing. Effective order defaults to off for {@link #corpusScore} (as
 * {@code corpus_bleu}) and on for {@link #sentenceScore} (as {@code sentence_bleu}) unless set explicitly.
 *
 * <p>Deliberate differences: streams of unequal length are an error here (sacreBLEU's {@code zip} silently
 * truncates); warnings go to a configurable sink instead of Python logging.
 */
public final class SacreBleu {

    /** sacreBLEU's default maximum n-gram order. */
    public static final int MAX_NGRAM_ORDER = 4;

    /** The smoothing methods of sacreBLEU (Chen and Cherry 2014), with their default values. */
    public enum Smoothing {
        /** No smoothing: an order without matches zeroes the score. */
        NONE("none", null),
        /** Method 1: a zero-match order gets precision {@code 100 * value / total} (default value 0.1). */
        FLOOR("floor", 0.1),
        /** Method 2: for orders above 1, add {@code value} to matches and totals (default value 1). */
        ADD_K("add-k", 1.0),
        /** Method 3 (NIST / mteval-v13a, sacreBLEU's default): the k-th zero-match order gets {@code 100 / (2^k * total)}. */
        EXP("exp", null);

        private final String cliName;
        private final Double defaultValue;

        Smoothing(String cliName, Double defaultValue) {
            this.cliName = cliName;
            this.defaultValue = defaultValue;
        }

        /** The name used by sacreBLEU ({@code exp}, {@code floor}, {@code add-k}, {@code none}). */
        public String cliName() {
            return cliName;
        }

        /** The default smoothing value, or null for methods that take none. */
        public Double defaultValue() {
            return defaultValue;
        }

        /** Looks a method up by its sacreBLEU name. */
        public static Smoothing of(String name) {
            for (Smoothing s : values()) {
                if (s.cliName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("smooth_method: unknown '" + name + "'; supported: exp, floor, add-k, none");
        }
    }

    private static final System.Logger LOG = System.getLogger(SacreBleu.class.getName());

    private final BleuTokenizer tokenizer;
    private final Smoothing smoothing;
    private final Double smoothValue;
    private final boolean lowercase;
    private final boolean force;
    private final int maxNgramOrder;
    private final Boolean effectiveOrder;
    private final Consumer<String> warnings;

    private SacreBleu(Builder b) {
        this.tokenizer = b.tokenizer;
        this.smoothing = b.smoothing;
        this.smoothValue = b.smoothValue;
        this.lowercase = b.lowercase;
        this.force = b.force;
        this.maxNgramOrder = b.maxNgramOrder;
        this.effectiveOrder = b.effectiveOrder;
        this.warnings = b.warnings;
    }

    /** A builder with sacreBLEU's defaults (13a, exp, mixed case, max order 4, effective order automatic). */
    public static Builder builder() {
        return new Builder();
    }

    /** sacreBLEU's defaults, as {@code sacrebleu.corpus_bleu} / {@code sentence_bleu} / the CLI. */
    public static SacreBleu defaults() {
        return builder().build();
    }

    /** sacreBLEU's {@code raw_corpus_bleu}: no tokenization, floor smoothing with this value, effective order, force. */
    public static SacreBleu rawCorpus(double floorValue) {
        return builder().optTokenizer(BleuTokenizer.NONE).optSmoothing(Smoothing.FLOOR).optSmoothValue(floorValue)
                .optEffectiveOrder(true).optForce(true).build();
    }

    /** The tokenizer in use. */
    public BleuTokenizer tokenizer() {
        return tokenizer;
    }

    /** The maximum n-gram order. */
    public int maxNgramOrder() {
        return maxNgramOrder;
    }

    // ------------------------------------------------------------------ scoring

    /**
     * Corpus BLEU of {@code hyps} against reference streams ({@code refStreams.get(k).get(i)} is the k-th
     * reference of hypothesis i; each stream as long as {@code hyps}).
     */
    public BleuScore corpusScore(List<String> hyps, List<List<String>> refStreams) {
        return corpusScore(hyps, prepareReferences(refStreams));
    }

    /** Corpus BLEU with references prepared once by {@link #prepareReferences} (e.g. to score several systems). */
    public BleuScore corpusScore(List<String> hyps, PreparedReferences refs) {
        long[] stats = corpusStatistics(hyps, refs);
        return fromStatistics(stats, refs.nrefs, effectiveOrder != null && effectiveOrder);
    }

    /**
     * Corpus BLEU with references given per hypothesis ({@code refsPerHyp.get(i)} = all references of
     * hypothesis i, any number each; HuggingFace's layout).
     */
    public BleuScore corpusScorePerHypothesis(List<String> hyps, List<List<String>> refsPerHyp) {
        return corpusScore(hyps, toStreams(refsPerHyp, hyps.size()));
    }

    /**
     * Sentence BLEU of one hypothesis against its references, as sacreBLEU's {@code sentence_score}; uses
     * effective order unless it was explicitly disabled.
     */
    public BleuScore sentenceScore(String hyp, List<String> refs) {
        if (hyp == null) {
            throw new IllegalArgumentException("hyp: must not be null");
        }
        if (refs == null || refs.isEmpty()) {
            throw new IllegalArgumentException("refs: at least one reference is needed");
        }
        boolean eff = effectiveOrder == null || effectiveOrder;
        if (!eff) {
            warnings.accept("It is recommended to enable `effective_order` for sentence-level BLEU.");
        }
        List<List<String>> streams = new ArrayList<>(refs.size());
        for (String r : refs) {
            streams.add(java.util.Collections.singletonList(r));
        }
        PreparedReferences prepared = prepareReferences(streams);
        long[] stats = segmentStatistics(preprocess(hyp), prepared.segments[0]);
        return fromStatistics(stats, prepared.nrefs, eff);
    }

    /** Sentence BLEU of every hypothesis against its references in the streams (one score per segment). */
    public List<BleuScore> sentenceScores(List<String> hyps, List<List<String>> refStreams) {
        PreparedReferences prepared = prepareReferences(refStreams);
        checkHyps(hyps, prepared);
        boolean eff = effectiveOrder == null || effectiveOrder;
        List<BleuScore> out = new ArrayList<>(hyps.size());
        for (int i = 0; i < hyps.size(); i++) {
            RefSegment seg = prepared.segments[i];
            long[] stats = segmentStatistics(preprocess(hyps.get(i)), seg);
            out.add(fromStatistics(stats, Integer.toString(seg.refLens.length), eff));
        }
        return out;
    }

    /**
     * The corpus sufficient statistics {@code [sysLen, refLen, correct_1..N, total_1..N]}, summed over
     * segments (sacreBLEU's layout).
     */
    public long[] corpusStatistics(List<String> hyps, PreparedReferences refs) {
        checkHyps(hyps, refs);
        long[] sum = new long[2 + 2 * maxNgramOrder];
        int tokenizedPeriods = 0;
        for (int i = 0; i < hyps.size(); i++) {
            String hyp = hyps.get(i);
            if (!force && hyp.endsWith(" .")) {
                tokenizedPeriods++;
            }
            long[] s = segmentStatistics(preprocess(hyp), refs.segments[i]);
            for (int j = 0; j < sum.length; j++) {
                sum[j] += s[j];
            }
        }
        if (tokenizedPeriods >= 100) {
            warnings.accept("That's 100 lines that end in a tokenized period ('.')");
            warnings.accept("It looks like you forgot to detokenize your test data, which may hurt your score.");
            warnings.accept("If you insist your data is detokenized, or don't care, you can suppress this message with the `force` parameter.");
        }
        return sum;
    }

    /**
     * BLEU from sufficient statistics with this metric's settings; {@code nrefs} only feeds the signature.
     * {@code stats} is {@code [sysLen, refLen, correct_1..N, total_1..N]}.
     */
    public BleuScore fromStatistics(long[] stats, String nrefs, boolean useEffectiveOrder) {
        if (stats.length != 2 + 2 * maxNgramOrder) {
            throw new IllegalArgumentException("stats: expected " + (2 + 2 * maxNgramOrder) + " values, got " + stats.length);
        }
        long[] correct = Arrays.copyOfRange(stats, 2, 2 + maxNgramOrder);
        long[] total = Arrays.copyOfRange(stats, 2 + maxNgramOrder, stats.length);
        return computeBleu(correct, total, stats[0], stats[1], smoothing, smoothValue, useEffectiveOrder,
                maxNgramOrder, signature(nrefs, useEffectiveOrder));
    }

    /**
     * sacreBLEU's static {@code BLEU.compute_bleu}: the score from match counts, totals and lengths (its
     * default smoothing there is {@link Smoothing#NONE}); {@code smoothValue} null takes the method's default.
     * The returned score has an empty signature.
     */
    public static BleuScore computeBleu(long[] correct, long[] total, long sysLen, long refLen, Smoothing smoothing,
            Double smoothValue, boolean effectiveOrder, int maxNgramOrder) {
        return computeBleu(correct, total, sysLen, refLen, smoothing, smoothValue, effectiveOrder, maxNgramOrder,
                Signature.builder("?").build());
    }

    private static BleuScore computeBleu(long[] correct, long[] total, long sysLen, long refLen, Smoothing smoothing,
            Double smoothValue, boolean effectiveOrder, int maxOrder, Signature signature) {
        if (correct.length != maxOrder || total.length != maxOrder) {
            throw new IllegalArgumentException("correct/total: expected " + maxOrder + " orders, got "
                    + correct.length + "/" + total.length);
        }
        double value = smoothValue != null ? smoothValue : (smoothing.defaultValue != null ? smoothing.defaultValue : 0.0);

        double bp = 1.0;
        if (sysLen < refLen) {
            bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
        }
        double[] precisions = new double[maxOrder];

        boolean anyMatch = false;
        for (long c : correct) {
            anyMatch |= c != 0;
        }
        // sacreBLEU issue #141: no match at all gives 0 whatever the smoothing
        if (!anyMatch) {
            return new BleuScore(0.0, correct, total, precisions, bp, sysLen, refLen, signature);
        }

        double smoothMteval = 1.0;
        int effOrder = maxOrder;
        for (int n = 1; n <= maxOrder; n++) {
            double c = correct[n - 1];
            double t = total[n - 1];
            if (smoothing == Smoothing.ADD_K && n > 1) {
                c += value;
                t += value;
            }
            if (t == 0) {
                break;
            }
            if (effectiveOrder) {
                effOrder = n;
            }
            if (c == 0) {
                if (smoothing == Smoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100. / (smoothMteval * t);
                } else if (smoothing == Smoothing.FLOOR) {
                    precisions[n - 1] = 100. * value / t;
                }
            } else {
                precisions[n - 1] = 100. * c / t;
            }
        }
        double logSum = 0;
        for (int n = 0; n < effOrder; n++) {
            logSum += PyStrings.myLog(precisions[n]);
        }
        double score = bp * Math.exp(logSum / effOrder);
        return new BleuScore(score, correct, total, precisions, bp, sysLen, refLen, signature);
    }

    /** The signature this metric reports for {@code nrefs} references and the given effective-order setting. */
    public Signature signature(String nrefs, boolean useEffectiveOrder) {
        String smooth = smoothing.cliName;
        if (smoothing.defaultValue != null) {
            double v = smoothValue != null ? smoothValue : smoothing.defaultValue;
            smooth += "[" + PyStrings.fixed(v, 2) + "]";
        }
        return Signature.builder(nrefs)
                .add("case", "c", lowercase ? "lc" : "mixed")
                .add("eff", "e", useEffectiveOrder ? "yes" : "no")
                .add("tok", "tok", tokenizer.signature())
                .add("smooth", "s", smooth)
                .build();
    }

    /** The signature of corpus scores ({@code eff} as {@link #corpusScore} uses it). */
    public Signature corpusSignature(String nrefs) {
        return signature(nrefs, effectiveOrder != null && effectiveOrder);
    }

    // ------------------------------------------------------------------ references

    /**
     * Tokenizes and indexes reference streams once ({@code refStreams.get(k).get(i)}: k-th reference of
     * segment i; null = missing). The result only works with this metric instance.
     */
    public PreparedReferences prepareReferences(List<List<String>> refStreams) {
        if (refStreams == null || refStreams.isEmpty()) {
            throw new IllegalArgumentException("refStreams: at least one reference stream is needed");
        }
        int n = -1;
        for (int k = 0; k < refStreams.size(); k++) {
            List<String> stream = refStreams.get(k);
            if (stream == null) {
                throw new IllegalArgumentException("refStreams[" + k + "]: stream is null");
            }
            if (n < 0) {
                n = stream.size();
            } else if (stream.size() != n) {
                throw new IllegalArgumentException("refStreams[" + k + "]: has " + stream.size()
                        + " segments but refStreams[0] has " + n);
            }
        }
        RefSegment[] segments = new RefSegment[n];
        int[] counts = new int[n];
        List<String[]> toks = new ArrayList<>(refStreams.size());
        for (int i = 0; i < n; i++) {
            toks.clear();
            int budget = 0;
            for (List<String> stream : refStreams) {
                String ref = stream.get(i);
                if (ref != null) {
                    String[] t = tokenizer.tokens(PyStrings.rstrip(lowercase ? PyStrings.lower(ref) : ref));
                    toks.add(t);
                    budget += t.length;
                }
            }
            if (toks.isEmpty()) {
                throw new IllegalArgumentException("refStreams: segment " + i + " has no reference (null in every stream)");
            }
            segments[i] = new RefSegment(toks, budget, maxNgramOrder);
            counts[i] = toks.size();
        }
        return new PreparedReferences(this, segments, Signature.nrefs(counts));
    }

    /** Reference streams tokenized and indexed by {@link #prepareReferences}. */
    public static final class PreparedReferences {
        private final SacreBleu owner;
        private final RefSegment[] segments;
        private final String nrefs;

        private PreparedReferences(SacreBleu owner, RefSegment[] segments, String nrefs) {
            this.owner = owner;
            this.segments = segments;
            this.nrefs = nrefs;
        }

        /** Number of segments. */
        public int size() {
            return segments.length;
        }

        /** sacreBLEU's nrefs: references per segment, or "var" when it varies. */
        public String nrefs() {
            return nrefs;
        }
    }

    /** One segment's reference n-grams (max count over references) and reference lengths. */
    private static final class RefSegment {
        final NgramIndex index;
        final NgramIndex.RefCounts ngrams;
        final int[] refLens;

        RefSegment(List<String[]> refs, int tokenBudget, int maxOrder) {
            index = new NgramIndex(tokenBudget, maxOrder);
            refLens = new int[refs.size()];
            List<int[]> ids = new ArrayList<>(refs.size());
            for (int r = 0; r < refs.size(); r++) {
                refLens[r] = refs.get(r).length;
                ids.add(index.encodeAdding(refs.get(r)));
            }
            ngrams = index.referenceCounts(ids, maxOrder);
        }
    }

    // ------------------------------------------------------------------ internals

    private String[] preprocess(String sent) {
        return tokenizer.tokens(PyStrings.rstrip(lowercase ? PyStrings.lower(sent) : sent));
    }

    private long[] segmentStatistics(String[] hypTokens, RefSegment seg) {
        int order = maxNgramOrder;
        long[] stats = new long[2 + 2 * order];
        int hypLen = hypTokens.length;
        stats[0] = hypLen;
        stats[1] = closestRefLen(hypLen, seg.refLens);
        long[] correct = new long[order];
        seg.ngrams.clippedMatches(seg.index.encodeKnown(hypTokens), order, correct);
        for (int n = 1; n <= order; n++) {
            stats[1 + n] = correct[n - 1];
            stats[1 + order + n] = Math.max(0, hypLen - n + 1);
        }
        return stats;
    }

    /** The reference length closest to the hypothesis length, ties to the shorter; -1 with no reference (as sacreBLEU). */
    static int closestRefLen(int hypLen, int[] refLens) {
        int closestDiff = -1;
        int closestLen = -1;
        for (int refLen : refLens) {
            int diff = Math.abs(hypLen - refLen);
            if (closestDiff == -1 || diff < closestDiff) {
                closestDiff = diff;
                closestLen = refLen;
            } else if (diff == closestDiff && refLen < closestLen) {
                closestLen = refLen;
            }
        }
        return closestLen;
    }

    private void checkHyps(List<String> hyps, PreparedReferences refs) {
        if (refs.owner != this) {
            throw new IllegalArgumentException("refs: prepared by a different SacreBleu instance");
        }
        if (hyps == null || hyps.isEmpty()) {
            throw new IllegalArgumentException("hyps: at least one hypothesis is needed");
        }
        if (hyps.size() != refs.segments.length) {
            throw new IllegalArgumentException("hyps: " + hyps.size() + " hypotheses but the reference streams have "
                    + refs.segments.length + " segments");
        }
        for (int i = 0; i < hyps.size(); i++) {
            if (hyps.get(i) == null) {
                throw new IllegalArgumentException("hyps[" + i + "]: undefined line in hypotheses stream");
            }
        }
    }

    static List<List<String>> toStreams(List<List<String>> refsPerHyp, int nHyps) {
        if (refsPerHyp == null || refsPerHyp.size() != nHyps) {
            throw new IllegalArgumentException("refsPerHyp: expected one reference list per hypothesis ("
                    + nHyps + "), got " + (refsPerHyp == null ? "null" : refsPerHyp.size()));
        }
        int k = 0;
        for (int i = 0; i < refsPerHyp.size(); i++) {
            List<String> r = refsPerHyp.get(i);
            if (r == null || r.isEmpty()) {
                throw new IllegalArgumentException("refsPerHyp[" + i + "]: no reference for this hypothesis");
            }
            k = Math.max(k, r.size());
        }
        List<List<String>> streams = new ArrayList<>(k);
        for (int s = 0; s < k; s++) {
            List<String> stream = new ArrayList<>(nHyps);
            for (List<String> r : refsPerHyp) {
                stream.add(s < r.size() ? r.get(s) : null);
            }
            streams.add(stream);
        }
        return streams;
    }

    /** Builder for {@link SacreBleu}; every option is optional and defaults to sacreBLEU's. */
    public static final class Builder {
        private BleuTokenizer tokenizer = BleuTokenizer.THIRTEEN_A;
        private Smoothing smoothing = Smoothing.EXP;
        private Double smoothValue;
        private boolean lowercase;
        private boolean force;
        private int maxNgramOrder = MAX_NGRAM_ORDER;
        private Boolean effectiveOrder;
        private Consumer<String> warnings = msg -> LOG.log(System.Logger.Level.WARNING, msg);

        private Builder() {
        }

        /** Tokenizer (default 13a). */
        public Builder optTokenizer(BleuTokenizer tokenizer) {
            this.tokenizer = java.util.Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /** Tokenizer by sacreBLEU name: {@code 13a}, {@code intl}, {@code char}, {@code none}. */
        public Builder optTokenize(String name) {
            return optTokenizer(BleuTokenizer.of(name));
        }

        /** Smoothing method (default exp). */
        public Builder optSmoothing(Smoothing smoothing) {
            this.smoothing = java.util.Objects.requireNonNull(smoothing, "smoothing");
            return this;
        }

        /** Smoothing method by sacreBLEU name: {@code exp}, {@code floor}, {@code add-k}, {@code none}. */
        public Builder optSmoothMethod(String name) {
            return optSmoothing(Smoothing.of(name));
        }

        /** Value for floor (default 0.1) and add-k (default 1); ignored by exp and none. */
        public Builder optSmoothValue(double value) {
            if (!Double.isFinite(value) || value < 0) {
                throw new IllegalArgumentException("smooth_value: must be a finite value >= 0, got " + value);
            }
            this.smoothValue = value;
            return this;
        }

        /** Lowercase hypotheses and references (signature {@code case:lc}). */
        public Builder optLowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /** Suppress the warning about hypotheses that look tokenized (ending in " ."). */
        public Builder optForce(boolean force) {
            this.force = force;
            return this;
        }

        /** Maximum n-gram order (default 4). */
        public Builder optMaxNgramOrder(int order) {
            if (order < 1) {
                throw new IllegalArgumentException("max_ngram_order: must be >= 1, got " + order);
            }
            this.maxNgramOrder = order;
            return this;
        }

        /**
         * Effective order: average only the orders up to the last one the hypothesis has n-grams for. When not
         * set: off for corpus scores, on for sentence scores (as sacreBLEU's corpus_bleu / sentence_bleu).
         */
        public Builder optEffectiveOrder(boolean effectiveOrder) {
            this.effectiveOrder = effectiveOrder;
            return this;
        }

        /** Where warnings go (default: a {@link System.Logger} at WARNING). */
        public Builder optWarnings(Consumer<String> sink) {
            this.warnings = java.util.Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** Builds the metric. */
        public SacreBleu build() {
            return new SacreBleu(this);
        }
    }
}
