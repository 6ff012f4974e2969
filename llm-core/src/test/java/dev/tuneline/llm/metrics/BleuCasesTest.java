package dev.tuneline.llm.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of shared/data/bleu/bleu_cases.json (sacreBLEU 2.6.0's own test vectors and README, and
 * HuggingFace evaluate's bleu examples), read from the file: each expected value to the case's tolerance,
 * or to 0.01 where the case gives none.
 */
class BleuCasesTest {

    private static final double DEFAULT_TOLERANCE = 0.01;

    static JsonNode cases() throws IOException {
        String shared = System.getProperty("tuneline.shared.dir", "../../shared");
        Path file = Path.of(shared, "data", "bleu", "bleu_cases.json");
        assertTrue(Files.isRegularFile(file), "missing " + file.toAbsolutePath());
        return new ObjectMapper().readTree(file.toFile());
    }

    static Stream<Arguments> sacrebleuCases() throws IOException {
        return named(cases().get("sacrebleu_cases"));
    }

    static Stream<Arguments> statisticsCases() throws IOException {
        return named(cases().get("sacrebleu_statistics_cases"));
    }

    static Stream<Arguments> hfCases() throws IOException {
        JsonNode all = cases();
        List<JsonNode> list = new ArrayList<>();
        all.get("hf_evaluate_bleu_cases").forEach(list::add);
        all.get("hf_evaluate_bleu_derived_cases").forEach(list::add);
        return list.stream().map(c -> Arguments.of(c.get("id").asText(), c));
    }

    private static Stream<Arguments> named(JsonNode array) {
        List<Arguments> out = new ArrayList<>();
        array.forEach(c -> out.add(Arguments.of(c.get("id").asText(), c)));
        return out.stream();
    }

    @Test
    void fileHasAllSections() throws IOException {
        JsonNode c = cases();
        assertEquals(21, c.get("sacrebleu_cases").size());
        assertEquals(7, c.get("sacrebleu_statistics_cases").size());
        assertEquals(3, c.get("hf_evaluate_bleu_cases").size());
        assertEquals(6, c.get("hf_evaluate_bleu_derived_cases").size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sacrebleuCases")
    void sacrebleuCase(String id, JsonNode c) {
        JsonNode s = c.get("settings");
        SacreBleu.Builder b = SacreBleu.builder()
                .optTokenize(s.get("tokenize").asText())
                .optSmoothMethod(s.get("smooth_method").asText())
                .optEffectiveOrder(s.get("effective_order").asBoolean())
                .optLowercase(s.get("lowercase").asBoolean())
                .optMaxNgramOrder(s.get("max_ngram_order").asInt());
        if (!s.get("smooth_value").isNull()) {
            b.optSmoothValue(s.get("smooth_value").asDouble());
        }
        SacreBleu metric = b.build();
        List<String> hyps = strings(c.get("hypotheses"));
        List<List<String>> streams = nested(c.get("references_streams"));
        List<List<String>> perHyp = nested(c.get("references_per_hypothesis"));

        BleuScore score;
        if (c.get("api").asText().contains("sentence_score")) {
            assertEquals(1, hyps.size(), id);
            score = metric.sentenceScore(hyps.get(0), perHyp.get(0));
        } else {
            score = metric.corpusScore(hyps, streams);
            // the transposed layout gives the very same result
            assertEquals(score, metric.corpusScorePerHypothesis(hyps, perHyp), id + " per-hypothesis layout");
        }

        String kind = c.get("expected_kind").asText();
        JsonNode expected = c.get("expected");
        double tol = c.has("tolerance") ? c.get("tolerance").asDouble() : DEFAULT_TOLERANCE;
        if (kind.startsWith("score_0_1 ")) {
            assertEquals(expected.asDouble(), score.score() / 100, tol, id + ": " + score.format());
        } else if (kind.equals("score_0_100")) {
            assertEquals(expected.asDouble(), score.score(), tol, id + ": " + score.format());
        } else if (kind.startsWith("score_0_100 formatted")) {
            assertEquals(expected.asText(), PyStrings.fixed(score.score(), 2), id);
            assertTrue(score.format().startsWith("BLEU = " + expected.asText() + " "), score.format());
        } else if (kind.equals("sufficient_statistics")) {
            assertArrayEquals(longs(expected.get("counts")), score.counts(), id + " counts");
            assertArrayEquals(longs(expected.get("totals")), score.totals(), id + " totals");
        } else if (kind.startsWith("formatted strings")) {
            checkPrinted(id, c, expected, score, metric, hyps);
        } else {
            throw new AssertionError(id + ": unknown expected_kind " + kind);
        }
    }

    /** The README's printed line and signature (variable number of references). */
    private void checkPrinted(String id, JsonNode c, JsonNode expected, BleuScore score, SacreBleu metric,
            List<String> hyps) {
        List<String> precisions = strings(expected.get("precisions"));
        String line = "BLEU = " + expected.get("score").asText() + " " + String.join("/", precisions)
                + " (BP = " + expected.get("bp").asText() + " ratio = " + expected.get("ratio").asText()
                + " hyp_len = " + expected.get("hyp_len").asInt() + " ref_len = " + expected.get("ref_len").asInt() + ")";
        assertEquals(line, score.format(), id);
        assertEquals(expected.get("hyp_len").asLong(), score.sysLen());
        assertEquals(expected.get("ref_len").asLong(), score.refLen());

        // The README (sacreBLEU 2.0.0) dropped '' references, giving nrefs:var. Since 2.2 only None
        // (null here) marks a missing reference and '' is an empty reference: nrefs:2 with the same score.
        String expectedSig = expected.get("signature").asText();
        String version = expectedSig.substring(expectedSig.lastIndexOf("version:") + "version:".length());
        assertEquals(expectedSig.replace("version:" + version, "version:" + Signature.SACREBLEU_VERSION)
                .replace("nrefs:var", "nrefs:2"), score.signature(), id + " with ''");
        List<List<String>> withNull = nested(c.get("references_streams"));
        boolean replaced = false;
        for (List<String> stream : withNull) {
            for (int i = 0; i < stream.size(); i++) {
                if (stream.get(i).isEmpty()) {
                    stream.set(i, null);
                    replaced = true;
                }
            }
        }
        assertTrue(replaced, id + ": the case should have an empty reference");
        BleuScore nullScore = metric.corpusScore(hyps, withNull);
        assertEquals(score.format(), nullScore.format());
        assertEquals(expectedSig.replace("version:" + version, "version:" + Signature.SACREBLEU_VERSION),
                nullScore.signature(), id + " with null");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statisticsCases")
    void statisticsCase(String id, JsonNode c) {
        Double value = c.get("smooth_value").isNull() ? null : c.get("smooth_value").asDouble();
        long[] correct = longs(c.get("correct"));
        BleuScore s = SacreBleu.computeBleu(correct, longs(c.get("total")), c.get("sys_len").asLong(),
                c.get("ref_len").asLong(), SacreBleu.Smoothing.of(c.get("smooth_method").asText()), value,
                c.get("effective_order").asBoolean(), correct.length);
        double expected = c.get("expected").asDouble();
        if (c.get("expected_kind").asText().contains("exact")) {
            assertEquals(expected, s.score() / 100, 0.0, id);
        } else {
            double tol = c.has("tolerance") ? c.get("tolerance").asDouble() : DEFAULT_TOLERANCE;
            assertEquals(expected, s.score() / 100, tol, id);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hfCases")
    void hfEvaluateCase(String id, JsonNode c) {
        JsonNode s = c.get("settings");
        assertEquals("tokenizer_13a", s.get("tokenizer").asText(), id);
        HfBleu metric = HfBleu.builder().optMaxOrder(s.get("max_order").asInt())
                .optSmooth(s.get("smooth").asBoolean()).build();
        HfBleu.Result r = metric.compute(strings(c.get("predictions")), nested(c.get("references")));
        JsonNode e = c.get("expected");
        double tol = c.has("tolerance") ? c.get("tolerance").asDouble() : 1e-12;
        assertEquals(e.get("bleu").asDouble(), r.bleu(), tol, id + " bleu");
        assertEquals(e.get("precisions").size(), r.precisions().size(), id);
        for (int i = 0; i < r.precisions().size(); i++) {
            assertEquals(e.get("precisions").get(i).asDouble(), r.precisions().get(i), tol, id + " precision " + i);
        }
        assertEquals(e.get("brevity_penalty").asDouble(), r.brevityPenalty(), tol, id + " bp");
        assertEquals(e.get("length_ratio").asDouble(), r.lengthRatio(), tol, id + " ratio");
        assertEquals(e.get("translation_length").asLong(), r.translationLength(), id);
        assertEquals(e.get("reference_length").asLong(), r.referenceLength(), id);
    }

    /** The file's own comparison: on the dog example evaluate and sacreBLEU differ only by the reference length rule. */
    @Test
    void hfAndSacreBleuDifferOnReferenceLength() throws IOException {
        JsonNode dog = null;
        for (JsonNode c : cases().get("hf_evaluate_bleu_derived_cases")) {
            if (c.get("id").asText().equals("ev_derived_dog_order4_smoothfalse")) {
                dog = c;
            }
        }
        List<String> hyps = strings(dog.get("predictions"));
        List<List<String>> refs = nested(dog.get("references"));
        HfBleu.Result hf = HfBleu.defaults().compute(hyps, refs);
        BleuScore sb = SacreBleu.defaults().corpusScorePerHypothesis(hyps, refs);
        assertEquals(17, hf.referenceLength());
        assertEquals(18, sb.refLen());
        assertArrayEquals(sb.counts(), new long[] {14, 7, 5, 3});
        assertFalse(Math.abs(hf.bleu() * 100 - sb.score()) < 1, "the two BLEUs should differ here");
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
        return out;
    }

    static List<List<String>> nested(JsonNode array) {
        List<List<String>> out = new ArrayList<>();
        array.forEach(n -> out.add(strings(n)));
        return out;
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
