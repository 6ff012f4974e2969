package dev.tuneline.llm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneline.llm.generate.GenerationConfig;
import dev.tuneline.llm.generate.Generator;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tiny pre-LN OPT saved by transformers v4.38.2 loads and reproduces that library's outputs
 * (shared/data/parity/expected.json): per-token log-probs within 5e-4, top-5 next tokens and the
 * 16 greedy tokens (with and without KV cache).
 */
class OptParityTest extends ManagedTest {

    private static CausalLm model;
    private static JsonNode expected;

    @BeforeAll
    static void load() throws Exception {
        model = Checkpoints.loadCausalLm(SharedData.path("parity/tiny-opt-preln"), manager);
        expected = new ObjectMapper().readTree(SharedData.path("parity/expected.json").toFile());
    }

    @Test
    void configIsReadFromHfJson() {
        LmConfig c = model.config();
        assertEquals(LmConfig.Architecture.OPT, c.architecture());
        assertEquals(16, c.hiddenSize());
        assertEquals(16, c.wordEmbedProjDim());
        assertEquals(true, c.doLayerNormBefore());
        assertEquals(50272, c.vocabSize());
        assertEquals(1, c.padTokenId());
    }

    @Test
    void tokenLogprobsAndTop5MatchTransformers() {
        for (JsonNode cas : expected.get("cases")) {
            long[] ids = ids(cas);
            float[][] logprobs = logSoftmaxRows(ids); // (T, V)
            JsonNode exp = cas.get("token_logprobs");
            assertEquals(ids.length, exp.size());
            for (int i = 1; i < ids.length; i++) {
                double want = exp.get(i).asDouble();
                double got = logprobs[i - 1][(int) ids[i]];
                assertEquals(want, got, 5e-4, "token " + i + " of '" + cas.get("text").asText() + "'");
            }
            float[] last = logprobs[ids.length - 1];
            int[] top = topK(last, 5);
            JsonNode top5 = cas.get("top5_last");
            for (int k = 0; k < 5; k++) {
                assertEquals(top5.get(k).get("id").asInt(), top[k], "top-5 rank " + k);
                assertEquals(top5.get(k).get("logprob").asDouble(), last[top[k]], 5e-4, "top-5 logprob rank " + k);
            }
        }
    }

    @Test
    void greedyTokensMatchTransformersWithAndWithoutCache() {
        Generator gen = new Generator(model, manager);
        for (boolean cache : new boolean[] {true, false}) {
            for (JsonNode cas : expected.get("cases")) {
                int[] prompt = Arrays.stream(ids(cas)).mapToInt(x -> (int) x).toArray();
                GenerationConfig cfg = GenerationConfig.builder()
                        .optMaxNewTokens(16).optEosTokenId(2).optUseCache(cache).build();
                int[] got = gen.generate(List.of(prompt), cfg).get(0).tokens();
                int[] want = new int[16];
                for (int i = 0; i < 16; i++) {
                    want[i] = cas.get("greedy").get("new_ids").get(i).asInt();
                }
                assertArrayEquals(want, got, "greedy tokens (cache=" + cache + ") for '" + cas.get("text").asText() + "'");
            }
        }
    }

    @Test
    void promptLogprobsFromGeneratorMatchTransformers() {
        Generator gen = new Generator(model, manager);
        JsonNode cas = expected.get("cases").get(1);
        int[] prompt = Arrays.stream(ids(cas)).mapToInt(x -> (int) x).toArray();
        GenerationConfig cfg = GenerationConfig.builder().optMaxNewTokens(1).optPromptLogprobs(true).build();
        float[] lp = gen.generate(List.of(prompt), cfg).get(0).promptLogprobs();
        assertEquals(prompt.length, lp.length);
        assertFalse(Float.isFinite(lp[0]), "the first prompt token has no log-prob (NaN)");
        for (int i = 1; i < prompt.length; i++) {
            assertEquals(cas.get("token_logprobs").get(i).asDouble(), lp[i], 5e-4, "prompt token " + i);
        }
    }

    private static long[] ids(JsonNode cas) {
        JsonNode a = cas.get("input_ids");
        long[] ids = new long[a.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = a.get(i).asLong();
        }
        return ids;
    }

    private static float[][] logSoftmaxRows(long[] ids) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(ids, new Shape(1, ids.length));
            NDArray mask = m.ones(new Shape(1, ids.length), ai.djl.ndarray.types.DataType.INT64);
            NDArray logits = model.forward(new ParameterStore(m, false), new NDList(x, mask), false).singletonOrThrow();
            float[] flat = logits.logSoftmax(-1).toFloatArray();
            int v = model.config().vocabSize();
            float[][] rows = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                rows[t] = Arrays.copyOfRange(flat, t * v, (t + 1) * v);
            }
            return rows;
        }
    }

    static int[] topK(float[] v, int k) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(v[b], v[a]));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
