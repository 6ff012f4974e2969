package dev.tuneline.llm.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Per-row next-token arithmetic on one row of logits, in Java so that it is exact, deterministic
 * and independent of the engine: log-softmax, HF's repetition penalty, temperature, top-k, top-p
 * and seeded sampling.
 */
final class LogitsOps {

    private LogitsOps() {}

    /** {@code log(sum(exp(x[off .. off+n))))}, computed in double. */
    static double logSumExp(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(x[off + i] - max);
        }
        return max + Math.log(s);
    }

    /**
     * HF {@code RepetitionPenaltyLogitsProcessor}: for every distinct token already in the sequence,
     * a negative score is multiplied by {@code penalty}, a positive one divided by it.
     */
    static void repetitionPenalty(float[] scores, int[] seen, int seenCount, float penalty) {
        if (penalty == 1f) {
            return;
        }
        boolean[] done = new boolean[scores.length];
        for (int i = 0; i < seenCount; i++) {
            int t = seen[i];
            if (t < 0 || t >= scores.length || done[t]) {
                continue;
            }
            done[t] = true;
            scores[t] = scores[t] < 0 ? scores[t] * penalty : scores[t] / penalty;
        }
    }

    /** Index of the largest score (the first one on ties, like torch.argmax). */
    static int argmax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Samples a token after HF's warpers in HF's order: temperature, top-k (ties with the k-th score
     * are kept), top-p (smallest set of most likely tokens whose mass reaches {@code topP}, at least
     * one), then a draw from the renormalised distribution.
     */
    static int sample(float[] scores, float temperature, int topK, float topP, SplittableRandom rnd) {
        int v = scores.length;
        double[] s = new double[v];
        for (int i = 0; i < v; i++) {
            s[i] = scores[i] / (double) temperature;
        }
        if (topK > 0 && topK < v) {
            double kth = kthLargest(s, topK);
            for (int i = 0; i < v; i++) {
                if (s[i] < kth) {
                    s[i] = Double.NEGATIVE_INFINITY;
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double x : s) {
            max = Math.max(max, x);
        }
        double[] p = new double[v];
        double z = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp(s[i] - max);
            z += p[i];
        }
        for (int i = 0; i < v; i++) {
            p[i] /= z;
        }
        if (topP < 1f) {
            Integer[] order = new Integer[v];
            for (int i = 0; i < v; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            double cum = 0;
            int keep = 0;
            while (keep < v) {
                cum += p[order[keep]];
                keep++;
                if (cum >= topP) {
                    break;
                }
            }
            double kept = 0;
            for (int r = 0; r < v; r++) {
                if (r >= keep) {
                    p[order[r]] = 0;
                } else {
                    kept += p[order[r]];
                }
            }
            for (int i = 0; i < v; i++) {
                p[i] /= kept;
            }
        }
        double u = rnd.nextDouble();
        double acc = 0;
        int last = 0;
        for (int i = 0; i < v; i++) {
            if (p[i] > 0) {
                acc += p[i];
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return last; // rounding left u >= total mass: the last token with mass
    }

    private static double kthLargest(double[] s, int k) {
        double[] copy = s.clone();
        Arrays.sort(copy);
        return copy[copy.length - k];
    }
}
