package dev.tuneline.llm.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * BLEU as HuggingFace {@code evaluate}'s {@code bleu} metric computes it ({@code evaluate.load("bleu")}, which
 * runs tensorflow/nmt's {@code compute_bleu} on evaluate's copy of the 13a tokenizer). Not sacreBLEU:
 * <ul>
 *   <li>scale 0..1 (sacreBLEU: 0..100);</li>
 *   <li>reference length per segment is the <em>shortest</em> reference (sacreBLEU: the closest);</li>
 *   <li>brevity penalty {@code exp(1 - 1/ratio)} when {@code ratio <= 1} (equal to sacreBLEU's form);</li>
 *   <li>{@code smooth=true} is Lin and Och's add-one, {@code (m + 1) / (p + 1)}, on every order including
 *       unigrams; {@code smooth=false} gives 0 as soon as one order has no match (no exp smoothing, no
 *       effective order);</li>
 *   <li>no lowercasing option and no rstrip (13a's whitespace split makes the latter moot).</li>
 * </ul>
 * When the total translation or reference length is 0 this returns bleu 0 with ratio 0 and brevity
 * penalty 0, as later copies of the script bundled with evaluate do; the nmt script evaluate 0.4 loads
 * raises ZeroDivisionError there.
 */
public final class HfBleu {

    /** evaluate's {@code bleu} result: {@code bleu}, {@code precisions}, {@code brevity_penalty}, ... */
    public record Result(double bleu, List<Double> precisions, double brevityPenalty, double lengthRatio,
            long translationLength, long referenceLength) {
    }

    private final int maxOrder;
    private final boolean smooth;
    private final Function<String, String[]> tokenizer;

    private HfBleu(Builder b) {
        this.maxOrder = b.maxOrder;
        this.smooth = b.smooth;
        this.tokenizer = b.tokenizer;
    }

    /** A builder with evaluate's defaults: tokenizer_13a, max_order 4, smooth false. */
    public static Builder builder() {
        return new Builder();
    }

    /** evaluate's defaults. */
    public static HfBleu defaults() {
        return builder().build();
    }

    /** BLEU of predictions against per-prediction reference lists ({@code references.get(i)}: all refs of prediction i). */
    public Result compute(List<String> predictions, List<List<String>> references) {
        if (predictions == null || references == null || predictions.size() != references.size()) {
            throw new IllegalArgumentException("predictions/references: need one reference list per prediction, got "
                    + (predictions == null ? "null" : predictions.size()) + " predictions and "
                    + (references == null ? "null" : references.size()) + " reference lists");
        }
        long[] matches = new long[maxOrder];
        long[] possible = new long[maxOrder];
        long referenceLength = 0;
        long translationLength = 0;
        for (int i = 0; i < predictions.size(); i++) {
            List<String> refs = references.get(i);
            if (refs == null || refs.isEmpty()) {
                throw new IllegalArgumentException("references[" + i + "]: no reference for this prediction");
            }
            if (predictions.get(i) == null) {
                throw new IllegalArgumentException("predictions[" + i + "]: null");
            }
            List<String[]> refToks = new ArrayList<>(refs.size());
            int budget = 0;
            int shortest = Integer.MAX_VALUE;
            for (int r = 0; r < refs.size(); r++) {
                if (refs.get(r) == null) {
                    throw new IllegalArgumentException("references[" + i + "][" + r + "]: null");
                }
                String[] t = tokenizer.apply(refs.get(r));
                refToks.add(t);
                budget += t.length;
                shortest = Math.min(shortest, t.length);
            }
            String[] hyp = tokenizer.apply(predictions.get(i));
            referenceLength += shortest;
            translationLength += hyp.length;

            NgramIndex index = new NgramIndex(budget, maxOrder);
            List<int[]> refIds = new ArrayList<>(refToks.size());
            for (String[] t : refToks) {
                refIds.add(index.encodeAdding(t));
            }
            index.referenceCounts(refIds, maxOrder).clippedMatches(index.encodeKnown(hyp), maxOrder, matches);
            for (int order = 1; order <= maxOrder; order++) {
                int p = hyp.length - order + 1;
                if (p > 0) {
                    possible[order - 1] += p;
                }
            }
        }

        double[] precisions = new double[maxOrder];
        for (int i = 0; i < maxOrder; i++) {
            if (smooth) {
                precisions[i] = (matches[i] + 1.) / (possible[i] + 1.);
            } else {
                precisions[i] = possible[i] > 0 ? (double) matches[i] / possible[i] : 0.0;
            }
        }
        double min = Double.POSITIVE_INFINITY;
        for (double p : precisions) {
            min = Math.min(min, p);
        }
        double geoMean = 0;
        if (min > 0) {
            double logSum = 0;
            for (double p : precisions) {
                logSum += (1. / maxOrder) * Math.log(p);
            }
            geoMean = Math.exp(logSum);
        }
        double ratio;
        double bp;
        if (referenceLength == 0 || translationLength == 0) {
            ratio = 0.0;
            bp = 0.0;
        } else {
            ratio = (double) translationLength / referenceLength;
            bp = ratio > 1.0 ? 1.0 : Math.exp(1 - 1.0 / ratio);
        }
        List<Double> precisionList = new ArrayList<>(maxOrder);
        for (double p : precisions) {
            precisionList.add(p);
        }
        return new Result(geoMean * bp, List.copyOf(precisionList), bp, ratio, translationLength, referenceLength);
    }

    /** BLEU with exactly one reference per prediction (evaluate's {@code references: list[str]} form). */
    public Result computeSingleReference(List<String> predictions, List<String> references) {
        Objects.requireNonNull(references, "references");
        List<List<String>> wrapped = new ArrayList<>(references.size());
        for (String r : references) {
            wrapped.add(java.util.Collections.singletonList(r));
        }
        return compute(predictions, wrapped);
    }

    /** Builder for {@link HfBleu}. */
    public static final class Builder {
        private int maxOrder = 4;
        private boolean smooth;
        private Function<String, String[]> tokenizer = BleuTokenizer.THIRTEEN_A::tokens;

        private Builder() {
        }

        /** Maximum n-gram order (default 4). */
        public Builder optMaxOrder(int maxOrder) {
            if (maxOrder < 1) {
                throw new IllegalArgumentException("max_order: must be >= 1, got " + maxOrder);
            }
            this.maxOrder = maxOrder;
            return this;
        }

        /** Lin and Och add-one smoothing on every order (default false). */
        public Builder optSmooth(boolean smooth) {
            this.smooth = smooth;
            return this;
        }

        /** One of the sacreBLEU tokenizers (evaluate's default is 13a; {@code NONE} is its "whitespace" split). */
        public Builder optTokenizer(BleuTokenizer tokenizer) {
            Objects.requireNonNull(tokenizer, "tokenizer");
            this.tokenizer = tokenizer::tokens;
            return this;
        }

        /** Any tokenizer function from a string to its tokens, as evaluate accepts. */
        public Builder optTokenizer(Function<String, List<String>> tokenizer) {
            Objects.requireNonNull(tokenizer, "tokenizer");
            this.tokenizer = s -> tokenizer.apply(s).toArray(new String[0]);
            return this;
        }

        /** Builds the metric. */
        public HfBleu build() {
            return new HfBleu(this);
        }
    }
}
