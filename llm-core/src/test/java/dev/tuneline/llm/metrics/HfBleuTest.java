package dev.tuneline.llm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HuggingFace evaluate's bleu: hand-computed statistics and its differences from sacreBLEU. */
class HfBleuTest {

    @Test
    void handComputedShortestReferenceAndAddOne() {
        // hyp "a b c d" (4 tokens) against refs "a b x d" (4) and "a b" (2): shortest ref length 2
        // merged ref n-grams: a, b, x, d, ab, bx, xd, abx, bxd, abxd; matches 3, 1, 0, 0 of 4, 3, 2, 1
        HfBleu.Result plain = HfBleu.defaults().compute(List.of("a b c d"), List.of(List.of("a b x d", "a b")));
        assertEquals(List.of(0.75, 1.0 / 3, 0.0, 0.0), plain.precisions());
        assertEquals(0.0, plain.bleu());
        assertEquals(2, plain.referenceLength());
        assertEquals(2.0, plain.lengthRatio());
        assertEquals(1.0, plain.brevityPenalty());

        HfBleu.Result smooth = HfBleu.builder().optSmooth(true).build()
                .compute(List.of("a b c d"), List.of(List.of("a b x d", "a b")));
        List<Double> p = List.of(4.0 / 5, 2.0 / 4, 1.0 / 3, 1.0 / 2);
        assertEquals(p, smooth.precisions());
        double logSum = 0;
        for (double x : p) {
            logSum += 0.25 * Math.log(x);
        }
        assertEquals(Math.exp(logSum), smooth.bleu(), 1e-15);
    }

    @Test
    void brevityPenaltyWhenShorter() {
        HfBleu.Result r = HfBleu.defaults().computeSingleReference(List.of("a b c d"), List.of("a b c d e f"));
        assertEquals(4.0 / 6, r.lengthRatio(), 1e-15);
        assertEquals(Math.exp(1 - 6.0 / 4), r.brevityPenalty(), 1e-15);
        assertEquals(Math.exp(1 - 6.0 / 4), r.bleu(), 1e-15);
    }

    @Test
    void emptyTranslationGivesZero() {
        HfBleu.Result r = HfBleu.defaults().computeSingleReference(List.of(""), List.of("a b"));
        assertEquals(0.0, r.bleu());
        assertEquals(0.0, r.brevityPenalty());
        assertEquals(0.0, r.lengthRatio());
    }

    @Test
    void customTokenizer() {
        HfBleu charLevel = HfBleu.builder().optTokenizer(s -> Arrays.asList(s.split(""))).optMaxOrder(2).build();
        HfBleu.Result r = charLevel.computeSingleReference(List.of("abc"), List.of("abd"));
        assertEquals(List.of(2.0 / 3, 1.0 / 2), r.precisions());
    }

    @Test
    void errorsNameTheFaultyInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HfBleu.defaults().compute(List.of("a", "b"), List.of(List.of("a"), List.of())));
        assertTrue(e.getMessage().startsWith("references[1]"), e.getMessage());
    }
}
