package dev.tuneline.llm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** chrF / chrF++ against statistics worked out by hand, plus sacreBLEU's published examples. */
class ChrfTest {

    @Test
    void handComputedChrF() {
        // hyp "abc d" -> "abcd" (whitespace removed), ref "abd"; orders 1..3, beta 2
        // o1: 3 of 4 hyp, 3 of 3 ref; o2: "ab" 1 of 3, 1 of 2; o3: 0 of 2, 0 of 1
        // avgP = (3/4 + 1/3 + 0) / 3 = 13/36, avgR = (1 + 1/2 + 0) / 3 = 1/2
        // F2 = 5 * avgP * avgR / (4 * avgP + avgR) = 13/28
        Chrf chrf = Chrf.builder().optCharOrder(3).build();
        ChrfScore s = chrf.sentenceScore("abc d", List.of("abd"));
        assertEquals(100.0 * 13 / 28, s.score(), 1e-12);
        assertEquals("chrF2", s.name());
        assertEquals("nrefs:1|case:mixed|eff:yes|nc:3|nw:0|space:no|version:2.6.0", s.signature());
        assertEquals("chrF2 = 46.43", s.format());
    }

    @Test
    void handComputedEpsSmoothing() {
        // hyp "ab", ref "ac", orders 1..2: o1 P = R = 1/2 -> F2 = 1/2; o2 no match -> denominator 0 -> eps
        Chrf chrf = Chrf.builder().optCharOrder(2).optEpsSmoothing(true).build();
        assertEquals(100 * (0.5 + 1e-16) / 2, chrf.sentenceScore("ab", List.of("ac")).score(), 1e-12);
        // effective-order averaging: avgP = avgR = 1/4 -> 1/4
        assertEquals(25.0, Chrf.builder().optCharOrder(2).build().sentenceScore("ab", List.of("ac")).score(), 1e-12);
    }

    @Test
    void handComputedChrFPlusPlus() {
        // beta 1, char order 1, word order 2; "sat." splits into "sat" "."
        // chars: hyp "thecatsat." (10), ref "thecat" (6), 6 matches -> P 3/5, R 1
        // words: [the cat sat .] vs [the cat] -> P 1/2, R 1; bigrams 3 vs 1, 1 match -> P 1/3, R 1
        // avgP = 43/90, avgR = 1 -> F1 = 2 avgP / (avgP + 1) = 86/133
        Chrf chrf = Chrf.builder().optCharOrder(1).optWordOrder(2).optBeta(1).build();
        ChrfScore s = chrf.sentenceScore("the cat sat.", List.of("the cat"));
        assertEquals(100.0 * 86 / 133, s.score(), 1e-12);
        assertEquals("chrF1++", s.name());
    }

    @Test
    void bestReferenceIsChosenPerSegment() {
        Chrf chrf = Chrf.builder().optCharOrder(3).build();
        double alone = chrf.sentenceScore("abc d", List.of("abd")).score();
        assertEquals(alone, chrf.sentenceScore("abc d", List.of("xyz", "abd")).score(), 0.0);
        assertEquals(alone, chrf.sentenceScore("abc d", List.of("abd", "xyz")).score(), 0.0);
    }

    @Test
    void punctuationSplitFollowsSacreBleu() {
        assertEquals(List.of("(hi", ")", "\"", "quoted", "x", "a.b", ",", "y"),
                Chrf.splitPunctuation("(hi) \"quoted x a.b, y"));
    }

    @Test
    void sacreBleuReadmeAndTestSuiteExamples() {
        // sacreBLEU README: chrF2 = 59.73 on the dog example (two reference streams)
        List<String> sys = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
        List<List<String>> refs = List.of(
                List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
                List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));
        assertEquals("chrF2 = 59.73", Chrf.chrF().corpusScore(sys, refs).format());
        // sacreBLEU test/test_chrf.py: sentence_chrf(..., eps_smoothing=True) = 39.14078509
        ChrfScore s = Chrf.builder().optEpsSmoothing(true).build().sentenceScore(
                "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
                List.of("Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."));
        assertEquals(39.14078509, s.score(), 1e-4);
    }
}
