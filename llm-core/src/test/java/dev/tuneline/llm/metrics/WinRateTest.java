package dev.tuneline.llm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.llm.metrics.WinRate.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Win-rates, tie handling, Wilson intervals (checked against hand-computed textbook values) and pair accuracy. */
class WinRateTest {

    @Test
    void wilsonMatchesHandComputedValues() {
        // 8 of 10: p = 0.8, z^2/n = 0.38415, centre 0.99207, spread 0.31361, denominator 1.38415
        WinRate.Interval i = WinRate.wilson(8, 10, WinRate.Z95);
        assertEquals(0.49016, i.lower(), 1e-5);
        assertEquals(0.94332, i.upper(), 1e-5);
        // 0 of 10: lower 0, upper (z^2/n) / (1 + z^2/n) = 0.38415 / 1.38415
        i = WinRate.wilson(0, 10, WinRate.Z95);
        assertEquals(0.0, i.lower(), 1e-12);
        assertEquals(0.38414588206941 / 1.38414588206941, i.upper(), 1e-12);
        // 50 of 100: symmetric around 0.5
        i = WinRate.wilson(50, 100, WinRate.Z95);
        assertEquals(0.40383, i.lower(), 1e-5);
        assertEquals(0.59617, i.upper(), 1e-5);
        assertEquals(1.0, i.lower() + i.upper(), 1e-12);
        // n = 0 carries no information
        assertEquals(new WinRate.Interval(0.0, 1.0), WinRate.wilson(0, 0, WinRate.Z95));
    }

    @Test
    void wilsonAgreesWithAnIndependentQuadraticSolution() {
        // The Wilson bounds are the roots p0 of (x/n - p0)^2 = z^2 p0 (1 - p0) / n
        for (int n : new int[] {1, 7, 40, 1000}) {
            for (int x = 0; x <= n; x += Math.max(1, n / 7)) {
                WinRate.Interval i = WinRate.wilson(x, n, WinRate.Z95);
                double p = (double) x / n;
                double z2 = WinRate.Z95 * WinRate.Z95;
                for (double root : new double[] {i.lower(), i.upper()}) {
                    double lhs = (p - root) * (p - root);
                    double rhs = z2 * root * (1 - root) / n;
                    assertEquals(lhs, rhs, 1e-12, "x=" + x + " n=" + n);
                }
                assertTrue(i.contains(p));
            }
        }
    }

    @Test
    void tiesAreCountedSeparately() {
        List<Outcome> outcomes = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            outcomes.add(Outcome.WIN);
        }
        outcomes.add(Outcome.TIE);
        outcomes.add(Outcome.TIE);
        outcomes.add(Outcome.LOSS);
        outcomes.add(Outcome.LOSS);
        WinRate.Result r = WinRate.of(outcomes);
        assertEquals(10, r.n());
        assertEquals(6, r.wins());
        assertEquals(2, r.ties());
        assertEquals(2, r.losses());
        assertEquals(0.6, r.winRate(), 1e-15);
        assertEquals(0.2, r.tieRate(), 1e-15);
        assertEquals(0.2, r.lossRate(), 1e-15);
        assertEquals(0.7, r.winRateTiesHalf(), 1e-15);
        assertEquals(0.75, r.decisiveWinRate(), 1e-15);
        assertEquals(WinRate.wilson(6, 10, WinRate.Z95), r.winRateCi());
        assertEquals(WinRate.wilson(7, 10, WinRate.Z95), r.tiesHalfCi());
        assertEquals(WinRate.wilson(6, 8, WinRate.Z95), r.decisiveCi());
    }

    @Test
    void fromScoresUsesTheTieTolerance() {
        float[] a = {1.0f, 0.5f, 0.30f, -2f};
        float[] b = {0.0f, 0.5f, 0.31f, 1f};
        WinRate.Result exact = WinRate.fromScores(a, b, 0.0);
        assertEquals(1, exact.wins());
        assertEquals(1, exact.ties());
        assertEquals(2, exact.losses());
        WinRate.Result loose = WinRate.fromScores(a, b, 0.05);
        assertEquals(1, loose.wins());
        assertEquals(2, loose.ties());
        assertEquals(1, loose.losses());
    }

    @Test
    void pairAccuracyIsStrictWithTiesApart() {
        float[] chosen = {1f, 2f, 3f, 4f, 0.5f};
        float[] rejected = {0f, 2f, 5f, 1f, 0.5f};
        WinRate.PairAccuracy acc = WinRate.accuracy(chosen, rejected);
        assertEquals(5, acc.n());
        assertEquals(2, acc.correct());
        assertEquals(2, acc.ties());
        assertEquals(1, acc.incorrect());
        assertEquals(0.4, acc.accuracy(), 1e-15);
        assertEquals(0.4, acc.tieRate(), 1e-15);
        assertEquals(0.6, acc.accuracyTiesHalf(), 1e-15);
        // margins 1, 0, -2, 3, 0
        assertEquals(0.4, acc.meanMargin(), 1e-12);
        assertEquals(WinRate.wilson(2, 5, WinRate.Z95), acc.accuracyCi());
    }

    @Test
    void badInputsNameTheirField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WinRate.accuracy(new float[] {1f, Float.NaN}, new float[] {0f, 0f}));
        assertTrue(e.getMessage().startsWith("chosen[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WinRate.accuracy(new float[2], new float[3]));
        assertTrue(e.getMessage().contains("equal length"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WinRate.of(java.util.Arrays.asList(Outcome.WIN, null)));
        assertTrue(e.getMessage().startsWith("outcomes[1]"), e.getMessage());
        assertTrue(Double.isNaN(WinRate.of(0, 0, 0).winRate()));
    }
}
