package dev.tuneline.llm.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SacreBleu's API around the numbers: layouts, prepared references, defaults, warnings and errors. */
class SacreBleuTest {

    static final List<String> SYS = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
    static final List<List<String>> REFS = List.of(
            List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
            List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

    @Test
    void statisticsByHandForOneSentence() {
        // 13a: "the cat sat on the mat ." vs "the cat is on the mat ." (7 tokens each)
        // unigrams 6/7 (sat), bigrams 4/6, trigrams 2/5, 4-grams 1/4; BP 1
        BleuScore s = SacreBleu.defaults().corpusScore(List.of("the cat sat on the mat."),
                List.of(List.of("the cat is on the mat.")));
        assertArrayEquals(new long[] {6, 4, 2, 1}, s.counts());
        assertArrayEquals(new long[] {7, 6, 5, 4}, s.totals());
        double expected = 100 * Math.exp((Math.log(6.0 / 7) + Math.log(4.0 / 6) + Math.log(2.0 / 5) + Math.log(1.0 / 4)) / 4);
        assertEquals(expected, s.score(), 1e-12);
        assertEquals(1.0, s.bp());
        assertEquals("BLEU = " + PyStrings.fixed(expected, 2) + " 85.7/66.7/40.0/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)",
                s.format());
    }

    @Test
    void closestReferenceLengthTiesGoToTheShorter() {
        assertEquals(4, SacreBleu.closestRefLen(5, new int[] {6, 4}));
        assertEquals(4, SacreBleu.closestRefLen(5, new int[] {4, 6}));
        assertEquals(7, SacreBleu.closestRefLen(6, new int[] {0, 7}));
    }

    @Test
    void preparedReferencesAndSentenceScoresAgree() {
        SacreBleu bleu = SacreBleu.defaults();
        SacreBleu.PreparedReferences prepared = bleu.prepareReferences(REFS);
        assertEquals("2", prepared.nrefs());
        assertEquals(bleu.corpusScore(SYS, REFS), bleu.corpusScore(SYS, prepared));
        List<BleuScore> perSegment = bleu.sentenceScores(SYS, REFS);
        for (int i = 0; i < SYS.size(); i++) {
            assertEquals(bleu.sentenceScore(SYS.get(i), List.of(REFS.get(0).get(i), REFS.get(1).get(i))),
                    perSegment.get(i));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SacreBleu.defaults().corpusScore(SYS, prepared));
        assertTrue(e.getMessage().contains("different SacreBleu"), e.getMessage());
    }

    @Test
    void effectiveOrderDefaultsFollowCorpusAndSentenceBleu() {
        SacreBleu bleu = SacreBleu.defaults();
        BleuScore corpus = bleu.corpusScore(List.of("a b c"), List.of(List.of("a b c")));
        BleuScore sentence = bleu.sentenceScore("a b c", List.of("a b c"));
        // without effective order the missing 4-gram order is exp-smoothed: 100 / (2 * 0) is skipped
        // (total 0 breaks the loop) and the zero precision drags the score to 0
        assertEquals(0.0, corpus.score(), 1e-9);
        assertTrue(corpus.signature().contains("eff:no"));
        assertEquals(100.0, sentence.score(), 1e-9);
        assertTrue(sentence.signature().contains("eff:yes"));
        List<String> warnings = new ArrayList<>();
        SacreBleu.builder().optEffectiveOrder(false).optWarnings(warnings::add).build()
                .sentenceScore("a b c", List.of("a b c"));
        assertEquals(List.of("It is recommended to enable `effective_order` for sentence-level BLEU."), warnings);
    }

    @Test
    void signaturesShowEveryOption() {
        SacreBleu bleu = SacreBleu.builder().optTokenize("intl").optSmoothMethod("floor").optLowercase(true).build();
        BleuScore s = bleu.corpusScore(SYS, REFS);
        assertEquals("nrefs:2|case:lc|eff:no|tok:intl|smooth:floor[0.10]|version:2.6.0", s.signature());
        assertEquals("#:2|c:lc|e:no|tok:intl|s:floor[0.10]|v:2.6.0", s.signatureInfo().format(true));
        assertEquals("smooth:add-k[2.50]", SacreBleu.builder().optSmoothMethod("add-k").optSmoothValue(2.5).build()
                .corpusSignature("1").format().split("\\|")[4]);
    }

    @Test
    void perHypothesisLayoutWithVariableReferenceCounts() {
        List<List<String>> perHyp = List.of(
                List.of("The dog had bit the man."),
                List.of("It was not unexpected.", "No one was surprised."),
                List.of("The man bit him first.", "The man had bitten the dog."));
        BleuScore s = SacreBleu.defaults().corpusScorePerHypothesis(SYS, perHyp);
        List<List<String>> streams = List.of(
                List.of("The dog had bit the man.", "It was not unexpected.", "The man bit him first."),
                Arrays.asList(null, "No one was surprised.", "The man had bitten the dog."));
        assertEquals(SacreBleu.defaults().corpusScore(SYS, streams), s);
        assertTrue(s.signature().startsWith("nrefs:var|"), s.signature());
    }

    @Test
    void warnsAboutTokenizedHypothesesUnlessForced() {
        List<String> hyps = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hyps.add("a tokenized line " + i + " .");
            refs.add("a tokenized line " + i + ".");
        }
        List<String> warnings = new ArrayList<>();
        SacreBleu.builder().optWarnings(warnings::add).build().corpusScore(hyps, List.of(refs));
        assertEquals(3, warnings.size());
        assertTrue(warnings.get(0).contains("100 lines"));
        warnings.clear();
        SacreBleu.builder().optForce(true).optWarnings(warnings::add).build().corpusScore(hyps, List.of(refs));
        assertEquals(List.of(), warnings);
    }

    @Test
    void errorsNameTheFaultyInput() {
        SacreBleu bleu = SacreBleu.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(SYS, List.of(REFS.get(0), List.of("only one"))));
        assertTrue(e.getMessage().startsWith("refStreams[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bleu.corpusScore(List.of("a", "b"), REFS));
        assertTrue(e.getMessage().startsWith("hyps:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(Arrays.asList("a", null, "c"), REFS));
        assertTrue(e.getMessage().startsWith("hyps[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(List.of("a"), List.of(Arrays.asList((String) null))));
        assertTrue(e.getMessage().contains("segment 0 has no reference"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BleuTokenizer.of("zh"));
        assertTrue(e.getMessage().startsWith("tokenize:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SacreBleu.Smoothing.of("add-one"));
        assertTrue(e.getMessage().startsWith("smooth_method:"), e.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} distinct tokens")
    @org.junit.jupiter.params.provider.ValueSource(ints = {40_000, 66_000})
    void largeVocabulariesGiveTheSameStatistics(int size) {
        // 40,000: packed long keys with ids above 32,767 (negative 4-gram keys); 66,000: two-char string keys
        List<String> ref = new ArrayList<>();
        List<String> hyp = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ref.add("w" + i);
            hyp.add("w" + (i % 7 == 0 ? i + 1 : i));
        }
        BleuScore s = SacreBleu.builder().optTokenizer(BleuTokenizer.NONE).build()
                .corpusScore(List.of(String.join(" ", hyp)), List.of(List.of(String.join(" ", ref))));
        for (int n = 1; n <= 4; n++) {
            assertEquals(naiveClippedMatches(hyp, ref, n), s.counts()[n - 1], "order " + n);
        }
        // windows of positions 7k+1 .. 7k+6 are untouched: 3 four-grams per block of 7
        assertEquals(3L * (size / 7), s.counts()[3], 3);
    }

    /** An independent reference: n-grams as space-joined strings (tokens hold no spaces), clipped counts summed. */
    private static long naiveClippedMatches(List<String> hyp, List<String> ref, int n) {
        java.util.Map<String, Integer> h = new java.util.HashMap<>();
        java.util.Map<String, Integer> r = new java.util.HashMap<>();
        for (int i = 0; i + n <= hyp.size(); i++) {
            h.merge(String.join(" ", hyp.subList(i, i + n)), 1, Integer::sum);
        }
        for (int i = 0; i + n <= ref.size(); i++) {
            r.merge(String.join(" ", ref.subList(i, i + n)), 1, Integer::sum);
        }
        long m = 0;
        for (java.util.Map.Entry<String, Integer> e : h.entrySet()) {
            m += Math.min(e.getValue(), r.getOrDefault(e.getKey(), 0));
        }
        return m;
    }
}
