package dev.tuneline.llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.ManagedTest;
import dev.tuneline.llm.model.ModelTestUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Generation: cache = no cache, batch = one by one, seeds, beams (vs exhaustive search), stopping rules. */
class GeneratorTest extends ManagedTest {

    private static final int[] P1 = {5, 17, 120, 44};
    private static final int[] P2 = {9, 10, 11, 12, 13, 14, 15, 16, 17};
    private static final int[] P3 = {250, 3};

    /** Peaked random models (large init) so argmax margins are far above float noise. */
    static Stream<CausalLm> models() {
        return Stream.of(
                Checkpoints.create(LmConfig.tinyGpt2(300).toBuilder().optInitStd(0.3f).build(), manager, 1),
                Checkpoints.create(LmConfig.tinyOpt(300).toBuilder().optInitStd(0.3f).build(), manager, 2),
                Checkpoints.create(LmConfig.tinyOpt(300).toBuilder().optInitStd(0.3f)
                        .optDoLayerNormBefore(false).optWordEmbedProjDim(32).build(), manager, 3));
    }

    private static GenerationConfig.Builder greedy(int n) {
        return GenerationConfig.builder().optMaxNewTokens(n).optEosTokenId(-1).optReturnLogprobs(true);
    }

    @ParameterizedTest
    @MethodSource("models")
    void kvCacheEqualsFullRecomputeTokenForToken(CausalLm model) {
        Generator g = new Generator(model, manager);
        for (int[] p : List.of(P1, P2, P3)) {
            Generation cached = g.generate(p, greedy(24).optUseCache(true).build());
            Generation full = g.generate(p, greedy(24).optUseCache(false).build());
            assertArrayEquals(full.tokens(), cached.tokens());
            assertEquals(24, cached.tokens().length);
            assertEquals(Generation.LENGTH, cached.finishReason());
            assertTrue(ModelTestUtil.maxAbsDiff(full.tokenLogprobs(), cached.tokenLogprobs()) < 1e-4);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void leftPaddedBatchEqualsOneByOne(CausalLm model) {
        Generator g = new Generator(model, manager);
        for (GenerationConfig cfg : List.of(
                greedy(12).optPromptLogprobs(true).build(),
                greedy(12).optUseCache(false).build(),
                greedy(12).optDoSample(true).optTemperature(0.8f).optTopK(40).optTopP(0.95f).optSeed(99).build())) {
            List<Generation> batch = g.generate(List.of(P1, P2, P3), cfg);
            List<int[]> prompts = List.of(P1, P2, P3);
            for (int i = 0; i < 3; i++) {
                Generation alone = g.generate(prompts.get(i), cfg);
                assertArrayEquals(alone.tokens(), batch.get(i).tokens(), "row " + i);
                assertTrue(ModelTestUtil.maxAbsDiff(alone.tokenLogprobs(), batch.get(i).tokenLogprobs()) < 1e-4);
                if (cfg.promptLogprobs()) {
                    assertEquals(prompts.get(i).length, batch.get(i).promptLogprobs().length);
                    assertTrue(Float.isNaN(batch.get(i).promptLogprobs()[0]));
                    float[] a = Arrays.copyOfRange(alone.promptLogprobs(), 1, prompts.get(i).length);
                    float[] b = Arrays.copyOfRange(batch.get(i).promptLogprobs(), 1, prompts.get(i).length);
                    assertTrue(ModelTestUtil.maxAbsDiff(a, b) < 1e-4);
                } else {
                    assertNull(batch.get(i).promptLogprobs());
                }
            }
        }
    }

    @Test
    void listenerSeesEachTokenAsChosenAndCanStopOneRowWithoutChangingTheOthers() {
        CausalLm model = Checkpoints.create(LmConfig.tinyGpt2(300).toBuilder().optInitStd(0.3f).build(), manager, 10);
        Generator g = new Generator(model, manager);
        GenerationConfig cfg = greedy(16).build();
        List<Generation> plain = g.generate(List.of(P1, P2, P3), cfg);
        List<List<Integer>> seen = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<Float> lps = new ArrayList<>();
        Generation[] finished = new Generation[3];
        List<Integer> finishOrder = new ArrayList<>();
        List<Generation> heard = g.generate(List.of(P1, P2, P3), cfg, new TokenListener() {
            @Override
            public boolean onToken(int row, int tok, float lp) {
                seen.get(row).add(tok);
                if (row == 0) {
                    lps.add(lp);
                }
                return !(row == 1 && seen.get(1).size() == 5);   // row 1 has what it wants after 5 tokens
            }

            @Override
            public void onFinished(int row, Generation generation) {
                assertNull(finished[row], "row " + row + " finished once");
                finished[row] = generation;
                finishOrder.add(row);
            }
        });
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(heard.get(r).tokens(), finished[r].tokens(), "row " + r + " handed out as returned");
            assertEquals(heard.get(r).finishReason(), finished[r].finishReason());
        }
        assertEquals(1, finishOrder.get(0), "the row stopped after 5 tokens was handed out first");
        assertArrayEquals(plain.get(0).tokens(), heard.get(0).tokens());
        assertArrayEquals(plain.get(2).tokens(), heard.get(2).tokens(), "other rows run on after row 1 stops");
        assertArrayEquals(Arrays.copyOf(plain.get(1).tokens(), 5), heard.get(1).tokens());
        assertEquals(Generation.CANCELLED, heard.get(1).finishReason());
        assertEquals(Generation.LENGTH, heard.get(0).finishReason());
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(heard.get(r).tokens(), seen.get(r).stream().mapToInt(Integer::intValue).toArray(),
                    "row " + r + ": the listener heard exactly the result's tokens, in order");
        }
        for (int t = 0; t < lps.size(); t++) {
            assertEquals(heard.get(0).tokenLogprobs()[t], lps.get(t), 0f);
        }
        // beam search reports the winning hypothesis once the search ends
        GenerationConfig beams = GenerationConfig.builder().optMaxNewTokens(6).optNumBeams(3).optEosTokenId(-1).build();
        List<Integer> beamTokens = new ArrayList<>();
        Generation best = g.generate(List.of(P2), beams, (row, tok, lp) -> beamTokens.add(tok)).get(0);
        assertArrayEquals(best.tokens(), beamTokens.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void generationFromAnotherThreadMatches() throws Exception {
        CausalLm model = Checkpoints.create(LmConfig.tinyGpt2(300).toBuilder().optInitStd(0.3f).build(), manager, 9);
        Generator g = new Generator(model, manager);
        int[] here = g.generate(P1, greedy(8).build()).tokens();
        int[][] there = new int[1][];
        Thread t = new Thread(() -> there[0] = g.generate(P1, greedy(8).build()).tokens());
        t.start();
        t.join();
        assertArrayEquals(here, there[0]);
    }

    @Test
    void sameSeedSameTextAndSamplingKnobsBehave() {
        CausalLm model = Checkpoints.create(LmConfig.tinyOpt(300).toBuilder().optInitStd(0.05f).build(), manager, 4);
        Generator g = new Generator(model, manager);
        GenerationConfig.Builder b = GenerationConfig.builder().optMaxNewTokens(20).optEosTokenId(-1)
                .optDoSample(true).optTemperature(1.5f).optTopK(0);
        int[] s1 = g.generate(P1, b.optSeed(7).build()).tokens();
        int[] s2 = g.generate(P1, b.optSeed(7).build()).tokens();
        int[] s3 = g.generate(P1, b.optSeed(8).build()).tokens();
        assertArrayEquals(s1, s2, "same seed, same tokens");
        assertFalse(Arrays.equals(s1, s3), "another seed samples differently (flat random model)");
        int[] greedyTokens = g.generate(P1, greedy(20).build()).tokens();
        assertArrayEquals(greedyTokens, g.generate(P1, b.optTopK(1).optSeed(1).build()).tokens(), "top-k 1 = greedy");
        assertArrayEquals(greedyTokens, g.generate(P1, b.optTopK(0).optTopP(1e-6f).optSeed(2).build()).tokens(),
                "tiny top-p = greedy");
        int[] penalised = g.generate(P1, greedy(20).optRepetitionPenalty(1.3f).build()).tokens();
        assertFalse(Arrays.equals(greedyTokens, penalised), "repetition penalty changes a repetitive greedy text");
    }

    @Test
    void stopsAtEosAndStopStringsAndCountsMaxLengthWithThePrompt() {
        CausalLm model = Checkpoints.create(LmConfig.tinyGpt2(300).toBuilder().optInitStd(0.3f).build(), manager, 5);
        Generator g = new Generator(model, manager);
        int[] free = g.generate(P2, greedy(10).build()).tokens();
        int eos = free[3];
        int firstEos = 0;
        while (free[firstEos] != eos) {
            firstEos++;
        }
        Generation e = g.generate(P2, greedy(10).optEosTokenId(eos).build());
        assertEquals(Generation.STOP, e.finishReason());
        assertArrayEquals(Arrays.copyOf(free, firstEos + 1), e.tokens(), "EOS included, nothing after it");

        String stop = "<" + free[5] + ">";
        GenerationConfig withStop = greedy(10).optStopStrings(List.of(stop),
                ids -> Arrays.stream(ids).mapToObj(i -> "<" + i + ">").collect(Collectors.joining())).build();
        Generation s = g.generate(P2, withStop);
        assertEquals(Generation.STOP, s.finishReason());
        int firstStop = 0;
        while (free[firstStop] != free[5]) {
            firstStop++;
        }
        assertEquals(firstStop + 1, s.tokens().length);

        GenerationConfig maxLen = GenerationConfig.builder().optMaxLength(12).optEosTokenId(-1).build();
        List<Generation> rows = g.generate(List.of(P1, P2), maxLen);
        assertEquals(12 - P1.length, rows.get(0).tokens().length, "max_length counts the row's prompt");
        assertEquals(12 - P2.length, rows.get(1).tokens().length);
        assertEquals(5, g.generate(P1, GenerationConfig.builder().optMaxLength(12).optMaxNewTokens(5)
                .optEosTokenId(-1).build()).tokens().length, "max_new_tokens wins");
        assertEquals(0, g.generate(P2, GenerationConfig.builder().optMaxLength(3).build()).tokens().length);
        assertEquals(model.config().maxPositions() - P2.length,
                g.generate(P2, greedy(1000).build()).tokens().length, "capped by the position table");

        assertThrows(IllegalArgumentException.class, () -> g.generate(new int[] {300}, greedy(1).build()));
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().optNumBeams(2).optDoSample(true).build());
    }

    @Test
    void beamSearchWithEnoughBeamsFindsTheExhaustiveOptimum() {
        // vocab 6, EOS 5, 3 new tokens: 36 beams keep every partial sequence, so the result must be
        // the best of all sequences under HF's score sum(logprob) / length (EOS counted)
        LmConfig c = LmConfig.tinyGpt2(6).toBuilder().optInitStd(0.5f).optBosTokenId(5).optEosTokenId(5).build();
        int normalisationMattered = 0;
        for (long seed = 1; seed <= 12; seed++) {
            CausalLm model = Checkpoints.create(c, manager, seed);
            Generator g = new Generator(model, manager);
            int[] prompt = {1, 2, 3};
            Generation beam = g.generate(prompt, GenerationConfig.builder().optMaxNewTokens(3).optNumBeams(36)
                    .optReturnLogprobs(true).build());
            int[][] best = exhaustiveBest(model, prompt, 3, 5);
            assertArrayEquals(best[0], beam.tokens(), "seed " + seed);
            assertEquals(best[0][best[0].length - 1] == 5 ? Generation.STOP : Generation.LENGTH, beam.finishReason());
            if (!Arrays.equals(best[0], best[1])) {
                normalisationMattered++;
            }
        }
        assertTrue(normalisationMattered > 0, "some case where length normalisation changes the winner");
    }

    @Test
    void beamSearchBatchEqualsOneByOneAndWidthOneIsGreedy() {
        CausalLm model = Checkpoints.create(LmConfig.tinyOpt(300).toBuilder().optInitStd(0.3f).build(), manager, 6);
        Generator g = new Generator(model, manager);
        GenerationConfig beams = GenerationConfig.builder().optMaxNewTokens(8).optNumBeams(3).optEosTokenId(7)
                .optReturnLogprobs(true).build();
        List<Generation> batch = g.generate(List.of(P1, P2, P3), beams);
        List<int[]> prompts = List.of(P1, P2, P3);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(g.generate(prompts.get(i), beams).tokens(), batch.get(i).tokens());
            double sum = batch.get(i).sumLogprob();
            double greedySum = g.generate(prompts.get(i), greedy(8).optEosTokenId(7).build()).sumLogprob();
            int len = batch.get(i).tokens().length;
            // beams at least match greedy on the HF beam score when both run to the same length
            if (len == 8 && g.generate(prompts.get(i), greedy(8).optEosTokenId(7).build()).tokens().length == 8) {
                assertTrue(sum >= greedySum - 1e-4, "beam " + sum + " vs greedy " + greedySum);
            }
        }
    }

    /**
     * Brute force over every continuation of up to {@code steps} tokens (stopping at EOS): the best
     * by sum / length and the best by the raw sum.
     */
    private static int[][] exhaustiveBest(CausalLm model, int[] prompt, int steps, int eos) {
        int v = model.config().vocabSize();
        double bestScore = Double.NEGATIVE_INFINITY;
        int[] best = null;
        double bestRaw = Double.NEGATIVE_INFINITY;
        int[] bestRawSeq = null;
        List<int[]> frontier = new ArrayList<>();
        frontier.add(new int[0]);
        List<double[]> sums = new ArrayList<>();
        sums.add(new double[] {0});
        for (int step = 1; step <= steps; step++) {
            List<int[]> next = new ArrayList<>();
            List<double[]> nextSums = new ArrayList<>();
            for (int f = 0; f < frontier.size(); f++) {
                int[] seq = frontier.get(f);
                long[] ids = new long[prompt.length + seq.length];
                for (int i = 0; i < prompt.length; i++) {
                    ids[i] = prompt[i];
                }
                for (int i = 0; i < seq.length; i++) {
                    ids[prompt.length + i] = seq[i];
                }
                float[] logits = ModelTestUtil.logits(model, manager, ids);
                float[] last = Arrays.copyOfRange(logits, (ids.length - 1) * v, ids.length * v);
                double lse = LogitsOps.logSumExp(last, 0, v);
                for (int tok = 0; tok < v; tok++) {
                    int[] ext = Arrays.copyOf(seq, seq.length + 1);
                    ext[seq.length] = tok;
                    double sum = sums.get(f)[0] + (last[tok] - lse);
                    if (tok == eos || step == steps) {
                        double score = sum / ext.length;
                        if (score > bestScore) {
                            bestScore = score;
                            best = ext;
                        }
                        if (sum > bestRaw) {
                            bestRaw = sum;
                            bestRawSeq = ext;
                        }
                    }
                    if (tok != eos) {
                        next.add(ext);
                        nextSums.add(new double[] {sum});
                    }
                }
            }
            frontier = next;
            sums = nextSums;
        }
        return new int[][] {best, bestRawSeq};
    }
}
