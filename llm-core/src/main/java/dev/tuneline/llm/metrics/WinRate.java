package dev.tuneline.llm.metrics;

import java.util.List;

/**
 * Win-rates with ties counted separately and 95 % Wilson score intervals, for model-A-vs-model-B comparisons
 * (per item: A wins, tie, A loses) and for reward-model accuracy on preference pairs.
 *
 * <p>How ties enter: {@link Result#winRate()} is wins / n with ties in the denominator (a tie is not a win);
 * {@link Result#winRateTiesHalf()} is (wins + 0.5 ties) / n, ties counted as half a win; and
 * {@link Result#decisiveWinRate()} is wins / (wins + losses), ties left out. Each comes with a Wilson score
 * interval over its own denominator; for the half-tie rate the interval takes wins + 0.5 ties as the
 * (fractional) success count, a common approximation.
 */
public final class WinRate {

    /** z for a two-sided 95 % interval (the 0.975 quantile of the standard normal). */
    public static final double Z95 = 1.959963984540054;

    private WinRate() {
    }

    /** The outcome of one comparison item, seen from model A (or from the chosen answer). */
    public enum Outcome {
        /** A is better. */
        WIN,
        /** Neither is better. */
        TIE,
        /** B is better. */
        LOSS
    }

    /** A confidence interval [lower, upper] on a proportion. */
    public record Interval(double lower, double upper) {
        /** Whether x lies inside the closed interval. */
        public boolean contains(double x) {
            return x >= lower && x <= upper;
        }
    }

    /**
     * Counts and rates for n items. Rates are NaN when their denominator is 0; intervals are then [0, 1].
     *
     * @param winRate          wins / n
     * @param tieRate          ties / n
     * @param lossRate         losses / n
     * @param winRateTiesHalf  (wins + 0.5 ties) / n
     * @param decisiveWinRate  wins / (wins + losses)
     * @param winRateCi        Wilson 95 % interval of winRate
     * @param tiesHalfCi       Wilson 95 % interval of winRateTiesHalf
     * @param decisiveCi       Wilson 95 % interval of decisiveWinRate
     */
    public record Result(long n, long wins, long ties, long losses, double winRate, double tieRate, double lossRate,
            double winRateTiesHalf, double decisiveWinRate, Interval winRateCi, Interval tiesHalfCi,
            Interval decisiveCi) {
    }

    /**
     * Reward-model accuracy on preference pairs: a pair is correct when the chosen reward is strictly greater
     * than the rejected one; equal rewards are ties, counted separately (not correct).
     *
     * @param accuracy         correct / n
     * @param tieRate          ties / n
     * @param accuracyTiesHalf (correct + 0.5 ties) / n
     * @param meanMargin       mean of chosen - rejected
     * @param accuracyCi       Wilson 95 % interval of accuracy
     */
    public record PairAccuracy(long n, long correct, long ties, long incorrect, double accuracy, double tieRate,
            double accuracyTiesHalf, double meanMargin, Interval accuracyCi) {
    }

    /** Rates for the given per-item outcomes. */
    public static Result of(List<Outcome> outcomes) {
        long w = 0;
        long t = 0;
        long l = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            if (o == null) {
                throw new IllegalArgumentException("outcomes[" + i + "]: null");
            }
            switch (o) {
                case WIN -> w++;
                case TIE -> t++;
                case LOSS -> l++;
            }
        }
        return of(w, t, l);
    }

    /** Rates for counts of wins, ties and losses. */
    public static Result of(long wins, long ties, long losses) {
        if (wins < 0 || ties < 0 || losses < 0) {
            throw new IllegalArgumentException("wins/ties/losses: counts must be >= 0, got " + wins + "/" + ties + "/" + losses);
        }
        long n = wins + ties + losses;
        double half = wins + 0.5 * ties;
        return new Result(n, wins, ties, losses, rate(wins, n), rate(ties, n), rate(losses, n), rate(half, n),
                rate(wins, wins + losses), wilson(wins, n, Z95), wilson(half, n, Z95),
                wilson(wins, wins + losses, Z95));
    }

    /**
     * Outcomes of A versus B from per-item scores (e.g. reward-model scores of both generations): A wins when
     * {@code a[i] - b[i] > tieTolerance}, loses when {@code b[i] - a[i] > tieTolerance}, else ties.
     */
    public static Result fromScores(float[] a, float[] b, double tieTolerance) {
        checkPairs(a, b, "a", "b");
        if (!(tieTolerance >= 0)) {
            throw new IllegalArgumentException("tieTolerance: must be >= 0, got " + tieTolerance);
        }
        long w = 0;
        long t = 0;
        long l = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            if (d > tieTolerance) {
                w++;
            } else if (-d > tieTolerance) {
                l++;
            } else {
                t++;
            }
        }
        return of(w, t, l);
    }

    /** Reward-model accuracy: strictly {@code chosen[i] > rejected[i]} is correct, equality is a tie. */
    public static PairAccuracy accuracy(float[] chosen, float[] rejected) {
        checkPairs(chosen, rejected, "chosen", "rejected");
        long correct = 0;
        long ties = 0;
        double marginSum = 0;
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i] > rejected[i]) {
                correct++;
            } else if (chosen[i] == rejected[i]) {
                ties++;
            }
            marginSum += (double) chosen[i] - rejected[i];
        }
        long n = chosen.length;
        return new PairAccuracy(n, correct, ties, n - correct - ties, rate(correct, n), rate(ties, n),
                rate(correct + 0.5 * ties, n), n == 0 ? Double.NaN : marginSum / n, wilson(correct, n, Z95));
    }

    /**
     * The Wilson score interval for {@code successes} out of {@code n} at normal quantile {@code z}:
     * {@code (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)} with {@code p = successes / n}, clipped to
     * [0, 1]; [0, 1] when n is 0. {@code successes} may be fractional (half ties).
     */
    public static Interval wilson(double successes, long n, double z) {
        if (n < 0 || successes < 0 || successes > n || !(z > 0)) {
            throw new IllegalArgumentException("wilson: need 0 <= successes <= n and z > 0, got successes="
                    + successes + " n=" + n + " z=" + z);
        }
        if (n == 0) {
            return new Interval(0.0, 1.0);
        }
        double p = successes / n;
        double z2 = z * z;
        double denom = 1 + z2 / n;
        double center = p + z2 / (2.0 * n);
        double spread = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        double lo = (center - spread) / denom;
        double hi = (center + spread) / denom;
        // the bounds are exactly 0 at p = 0 and 1 at p = 1; keep rounding from moving them inside
        return new Interval(successes == 0 ? 0.0 : Math.max(0.0, lo), successes == n ? 1.0 : Math.min(1.0, hi));
    }

    private static double rate(double x, long n) {
        return n == 0 ? Double.NaN : x / n;
    }

    private static void checkPairs(float[] a, float[] b, String nameA, String nameB) {
        if (a == null || b == null || a.length != b.length) {
            throw new IllegalArgumentException(nameA + "/" + nameB + ": need arrays of equal length, got "
                    + (a == null ? "null" : a.length) + " and " + (b == null ? "null" : b.length));
        }
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(a[i])) {
                throw new IllegalArgumentException(nameA + "[" + i + "]: NaN score");
            }
            if (Float.isNaN(b[i])) {
                throw new IllegalArgumentException(nameB + "[" + i + "]: NaN score");
            }
        }
    }
}
