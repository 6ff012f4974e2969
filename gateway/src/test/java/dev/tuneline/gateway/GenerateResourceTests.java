package dev.tuneline.gateway;

import static dev.tuneline.gateway.TestApi.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneline.events.Json;
import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/generate}: results against a plain reference decoder, options, streaming, and errors. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class GenerateResourceTests {
    static final String PROMPT = "def fibonacci(n):";

    @BeforeEach
    void models() {
        TestApi.importTestModels();
    }

    static Response generate(Map<String, Object> body) {
        Map<String, Object> b = new HashMap<>(body);
        b.putIfAbsent("model", TestModels.LM);
        return given().contentType(ContentType.JSON).body(b).post("/v1/generate");
    }

    static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void greedyMatchesAPlainReferenceDecoder() {
        int[] expected = TestModels.greedy(TestModels.encode(PROMPT), 12);
        Response r = generate(Map.of("prompt", PROMPT, "maxNewTokens", 12, "returnLogprobs", true));
        r.then().statusCode(200).body("model", equalTo(TestModels.LM))
                .body("results[0].finishReason", equalTo(expected.length == 12 ? "length" : "stop"))
                .body("results[0].promptTokens", equalTo(TestModels.encode(PROMPT).length))
                .body("usage.completionTokens", equalTo(expected.length));
        assertArrayEquals(expected, ints(r.jsonPath().getList("results[0].tokens", Integer.class)));
        assertEquals(TestModels.decode(expected), r.jsonPath().getString("results[0].text"));
        // per-token log-probs equal a full forward pass over prompt + continuation
        int[] prompt = TestModels.encode(PROMPT);
        int[] full = java.util.Arrays.copyOf(prompt, prompt.length + expected.length);
        System.arraycopy(expected, 0, full, prompt.length, expected.length);
        double[] ref = TestModels.tokenLogprobs(full);
        List<Float> got = r.jsonPath().getList("results[0].tokenLogprobs", Float.class);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(ref[prompt.length - 1 + i], got.get(i), 2e-3, "logprob of token " + i);
        }
    }

    @Test
    void severalPromptsComeBackInOrderEqualToSinglePrompts() {
        List<String> prompts = List.of("Hello", "Write a function that adds two numbers", "x");
        Response batch = generate(Map.of("prompts", prompts, "maxNewTokens", 6));
        batch.then().statusCode(200);
        for (int i = 0; i < prompts.size(); i++) {
            int[] alone = TestModels.greedy(TestModels.encode(prompts.get(i)), 6);
            assertArrayEquals(alone, ints(batch.jsonPath().getList("results[" + i + "].tokens", Integer.class)),
                    "prompt " + i);
            assertEquals(i, batch.jsonPath().getInt("results[" + i + "].index"));
        }
    }

    @Test
    void promptLogprobsTemplateAndStopStrings() {
        Response r = generate(Map.of("prompt", PROMPT, "maxNewTokens", 1, "promptLogprobs", true));
        List<Float> plp = r.jsonPath().getList("results[0].promptLogprobs", Float.class);
        double[] ref = TestModels.tokenLogprobs(TestModels.encode(PROMPT));
        assertNull(plp.get(0));
        for (int i = 1; i < plp.size(); i++) {
            assertEquals(ref[i - 1], plp.get(i), 2e-3, "prompt token " + i);
        }
        // the template renders the prompt as the model's instruction format
        Response templ = generate(Map.of("prompt", "Say hi", "template", "alpaca", "maxNewTokens", 2));
        assertEquals(TestModels.encode("### Instruction:\nSay hi\n\n### Response:\n").length,
                templ.jsonPath().getInt("results[0].promptTokens"));
        // a stop string taken from the middle of the greedy text: the text ends right before it
        String text = generate(Map.of("prompt", PROMPT, "maxNewTokens", 16, "ignoreEos", true))
                .jsonPath().getString("results[0].text");
        String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
        Response cut = generate(Map.of("prompt", PROMPT, "maxNewTokens", 16, "ignoreEos", true, "stop", List.of(stop)));
        cut.then().statusCode(200).body("results[0].finishReason", equalTo("stop"));
        assertEquals(text.substring(0, text.indexOf(stop)), cut.jsonPath().getString("results[0].text"));
    }

    @Test
    void samplingIsSeededAndBeamSearchRuns() {
        Map<String, Object> sample = Map.of("prompt", PROMPT, "maxNewTokens", 8, "doSample", true, "temperature", 1.5,
                "topK", 0, "seed", 1234);
        List<Integer> a = generate(sample).jsonPath().getList("results[0].tokens", Integer.class);
        List<Integer> b = generate(sample).jsonPath().getList("results[0].tokens", Integer.class);
        assertEquals(a, b, "same seed, same tokens");
        Map<String, Object> other = new HashMap<>(sample);
        other.put("seed", 99);
        assertNotEquals(a, generate(other).jsonPath().getList("results[0].tokens", Integer.class));
        generate(Map.of("prompt", PROMPT, "maxNewTokens", 5, "numBeams", 3, "lengthPenalty", 1.0))
                .then().statusCode(200).body("results[0].tokens.size()", equalTo(5));
    }

    @Test
    void streamingSendsOneEventPerTokenThenTheResult() throws Exception {
        Response whole = generate(Map.of("prompt", PROMPT, "maxNewTokens", 10, "returnLogprobs", true));
        Response stream = generate(Map.of("prompt", PROMPT, "maxNewTokens", 10, "returnLogprobs", true, "stream", true));
        stream.then().statusCode(200).contentType(containsString("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        for (String line : stream.asString().split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(Json.MAPPER.readTree(line.substring(6)));
            }
        }
        List<Integer> tokens = whole.jsonPath().getList("results[0].tokens", Integer.class);
        assertEquals(tokens.size() + 1, events.size());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            assertEquals(tokens.get(i).intValue(), events.get(i).get("token").asInt());
            assertTrue(events.get(i).has("logprob"));
            text.append(events.get(i).get("text").asText());
        }
        JsonNode last = events.get(events.size() - 1);
        assertTrue(last.get("done").asBoolean());
        assertEquals(whole.jsonPath().getString("results[0].text"), text.toString());
        assertEquals(text.toString(), last.get("result").get("text").asText());
    }

    @Test
    void streamingHoldsBackAPossibleStopStringAndEndsWhereTheWholeAnswerEnds() throws Exception {
        String text = generate(Map.of("prompt", PROMPT, "maxNewTokens", 24, "ignoreEos", true))
                .jsonPath().getString("results[0].text");
        String stop = text.substring(text.length() / 2, text.length() / 2 + 4);
        Map<String, Object> req = Map.of("prompt", PROMPT, "maxNewTokens", 24, "ignoreEos", true, "stop", List.of(stop));
        Response whole = generate(req);
        Map<String, Object> streamed = new HashMap<>(req);
        streamed.put("stream", true);
        Response stream = generate(streamed);
        stream.then().statusCode(200);
        StringBuilder seen = new StringBuilder();
        JsonNode last = null;
        for (String line : stream.asString().split("\n")) {
            if (line.startsWith("data: ")) {
                last = Json.MAPPER.readTree(line.substring(6));
                if (last.has("text")) {
                    seen.append(last.get("text").asText());
                    assertFalse(seen.toString().contains(stop), "no event released the stop string: " + seen);
                }
            }
        }
        String expected = whole.jsonPath().getString("results[0].text");
        assertEquals(text.substring(0, text.indexOf(stop)), expected);
        assertEquals(expected, seen.toString(), "the streamed pieces add up to the answer");
        assertTrue(last.get("done").asBoolean());
        assertEquals("stop", last.get("result").get("finishReason").asText());
        assertEquals(whole.jsonPath().getList("results[0].tokens", Integer.class).size(),
                last.get("result").get("tokens").size());
    }

    @Test
    void badRequestsGet400NamingTheProblemAndUnknownModels404() {
        generate(Map.of("maxNewTokens", 4)).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("exactly one of prompt and prompts"));
        generate(Map.of("prompt", "a", "prompts", List.of("b"))).then().statusCode(400);
        generate(Map.of("prompt", "a", "maxNewTokens", 65)).then().statusCode(400)
                .body("detail", containsString("maxNewTokens must be in [0, 64]"));
        generate(Map.of("prompt", "a", "doSample", true, "temperature", 0)).then().statusCode(400)
                .body("detail", containsString("temperature must be > 0"));
        generate(Map.of("prompt", "a", "numBeams", 2, "doSample", true)).then().statusCode(400)
                .body("detail", containsString("beam sampling"));
        generate(Map.of("prompt", "a", "topP", 1.5)).then().statusCode(400).body("detail", containsString("topP"));
        generate(Map.of("prompts", java.util.Collections.nCopies(17, "a"))).then().statusCode(400)
                .body("detail", containsString("prompts must hold 1 to 16 items"));
        generate(Map.of("prompt", "a", "stream", true, "prompts", List.of())).then().statusCode(400);
        generate(Map.of("prompt", "a", "template", "klingon")).then().statusCode(400)
                .body("detail", containsString("unknown prompt template"));
        generate(Map.of("prompt", " a".repeat(300))).then().statusCode(400)
                .body("detail", containsString("over the model's 256 positions"));
        generate(Map.of("prompt", "a", "timeoutSeconds", 0)).then().statusCode(400)
                .body("detail", containsString("timeoutSeconds"));
        generate(Map.of("model", TestModels.RM, "prompt", "a")).then().statusCode(400)
                .body("detail", containsString("is a reward model"));
        generate(Map.of("model", "missing-model", "prompt", "a")).then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"model\": ").post("/v1/generate").then().statusCode(400)
                .body("detail", containsString("malformed JSON"));
        given().contentType(ContentType.JSON).post("/v1/generate").then().statusCode(400);
        Response empty = generate(Map.of("prompt", "", "maxNewTokens", 2));
        empty.then().statusCode(200).body("results[0].promptTokens", equalTo(1));
        assertFalse(empty.jsonPath().getList("results[0].tokens").isEmpty());
    }
}
