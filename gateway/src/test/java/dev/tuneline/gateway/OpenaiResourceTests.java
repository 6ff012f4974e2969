package dev.tuneline.gateway;

import static dev.tuneline.gateway.TestApi.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** OpenAI-compatible completions and chat completions: formats, echo/logprobs against references, streaming. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class OpenaiResourceTests {

    @BeforeEach
    void models() {
        TestApi.importTestModels();
    }

    static Response post(String path, Map<String, Object> body) {
        Map<String, Object> b = new HashMap<>(body);
        b.putIfAbsent("model", TestModels.LM);
        return given().contentType(ContentType.JSON).body(b).post(path);
    }

    static List<JsonNode> events(Response r) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String[] lines = r.asString().split("\n");
        assertEquals("data: [DONE]", lines[lines.length - 1].trim(), "stream ends with [DONE]");
        for (String line : lines) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                out.add(Json.MAPPER.readTree(line.substring(6)));
            }
        }
        return out;
    }

    @Test
    void completionAtTemperatureZeroIsGreedy() {
        int[] expected = TestModels.greedy(TestModels.encode("Hello, my dog"), 8);
        Response r = post("/v1/completions", Map.of("prompt", "Hello, my dog", "max_tokens", 8, "temperature", 0));
        r.then().statusCode(200).body("object", equalTo("text_completion")).body("id", startsWith("cmpl-"))
                .body("model", equalTo(TestModels.LM)).body("choices[0].index", equalTo(0))
                .body("choices[0].logprobs", nullValue())
                .body("usage.prompt_tokens", equalTo(4)).body("usage.completion_tokens", equalTo(expected.length));
        assertEquals(TestModels.decode(expected), r.jsonPath().getString("choices[0].text"));
    }

    @Test
    void echoWithLogprobsAndZeroTokensScoresThePrompt() {
        String prompt = "Hello, my dog is cute";
        int[] ids = TestModels.encode(prompt);
        assertEquals(6, ids.length);
        double[] ref = TestModels.tokenLogprobs(ids);
        Response r = post("/v1/completions", Map.of("prompt", prompt, "max_tokens", 0, "echo", true, "logprobs", 2));
        r.then().statusCode(200).body("choices[0].text", equalTo(prompt))
                .body("choices[0].logprobs.tokens", equalTo(List.of("Hello", ",", " my", " dog", " is", " cute")))
                .body("choices[0].logprobs.text_offset", equalTo(List.of(0, 5, 6, 9, 13, 16)))
                .body("choices[0].logprobs.token_logprobs[0]", nullValue())
                .body("choices[0].logprobs.top_logprobs[0]", nullValue())
                .body("usage.completion_tokens", equalTo(0));
        List<Float> lps = r.jsonPath().getList("choices[0].logprobs.token_logprobs", Float.class);
        for (int i = 1; i < ids.length; i++) {
            assertEquals(ref[i - 1], lps.get(i), 2e-3, "token " + i);
            Map<String, Float> top = r.jsonPath().getMap("choices[0].logprobs.top_logprobs[" + i + "]");
            String best = TestModels.decode(new int[] {TestModels.argmaxNext(ids, i)});
            assertTrue(top.containsKey(best), "top_logprobs[" + i + "] " + top + " lacks the argmax " + best);
            assertTrue(top.size() >= 2 && top.size() <= 3, "2 alternatives plus the actual token: " + top);
        }
        // token-id prompts work the same
        Response byIds = post("/v1/completions", Map.of("prompt", List.of(15496, 11, 616, 3290, 318, 13779),
                "max_tokens", 0, "echo", true, "logprobs", 0));
        byIds.then().statusCode(200).body("choices[0].text", equalTo(prompt));
        assertEquals(lps.get(5), byIds.jsonPath().getFloat("choices[0].logprobs.token_logprobs[5]"), 1e-5);
    }

    @Test
    void severalPromptsAndStreamedCompletions() throws Exception {
        Response multi = post("/v1/completions", Map.of("prompt", List.of("a", "b c"), "max_tokens", 3, "temperature", 0));
        multi.then().statusCode(200).body("choices.size()", equalTo(2)).body("choices[1].index", equalTo(1));
        Response whole = post("/v1/completions", Map.of("prompt", "Once upon", "max_tokens", 10, "temperature", 0));
        Response stream = post("/v1/completions", Map.of("prompt", "Once upon", "max_tokens", 10, "temperature", 0,
                "stream", true, "stream_options", Map.of("include_usage", true)));
        stream.then().statusCode(200).contentType(containsString("text/event-stream"));
        List<JsonNode> ev = events(stream);
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonNode e : ev) {
            assertEquals("text_completion", e.get("object").asText());
            for (JsonNode c : e.get("choices")) {
                text.append(c.get("text").asText());
                if (!c.get("finish_reason").isNull()) {
                    finish = c.get("finish_reason").asText();
                }
            }
        }
        assertEquals(whole.jsonPath().getString("choices[0].text"), text.toString());
        assertEquals(whole.jsonPath().getString("choices[0].finish_reason"), finish);
        assertEquals(whole.jsonPath().getInt("usage.total_tokens"), ev.get(ev.size() - 1).get("usage").get("total_tokens").asInt());
    }

    @Test
    void chatCompletionRendersTheTemplateAndStreams() throws Exception {
        List<Map<String, Object>> messages = List.of(Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Name a color."));
        // the model's template (alpaca for imported LMs): system text, blank line, then the instruction prompt
        int[] prompt = TestModels.encode("Be brief.\n\n### Instruction:\nName a color.\n\n### Response:\n");
        int[] expected = TestModels.greedy(prompt, 6);
        Response r = post("/v1/chat/completions", Map.of("messages", messages, "max_tokens", 6, "temperature", 0,
                "logprobs", true, "top_logprobs", 3));
        r.then().statusCode(200).body("object", equalTo("chat.completion")).body("id", startsWith("chatcmpl-"))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].logprobs.content.size()", equalTo(expected.length))
                .body("choices[0].logprobs.content[0].top_logprobs.size()", equalTo(3))
                .body("usage.prompt_tokens", equalTo(prompt.length));
        assertEquals(TestModels.decode(expected), r.jsonPath().getString("choices[0].message.content"));
        Response stream = post("/v1/chat/completions", Map.of("messages", messages, "max_tokens", 6, "temperature", 0,
                "stream", true));
        List<JsonNode> ev = events(stream);
        assertEquals("assistant", ev.get(0).get("choices").get(0).get("delta").get("role").asText());
        StringBuilder text = new StringBuilder();
        for (JsonNode e : ev) {
            assertEquals("chat.completion.chunk", e.get("object").asText());
            JsonNode content = e.get("choices").get(0).get("delta").get("content");
            if (content != null) {
                text.append(content.asText());
            }
        }
        assertEquals(TestModels.decode(expected), text.toString());
        assertEquals(r.jsonPath().getString("choices[0].finish_reason"),
                ev.get(ev.size() - 1).get("choices").get(0).get("finish_reason").asText());
        assertNull(ev.get(ev.size() - 1).get("usage"));
    }

    @Test
    void unsupportedOrInvalidOptionsGet400() {
        post("/v1/completions", Map.of("prompt", "a", "n", 2)).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("n must be 1"));
        post("/v1/completions", Map.of("prompt", "a", "temperature", 3)).then().statusCode(400)
                .body("detail", containsString("temperature must be in [0, 2]"));
        post("/v1/completions", Map.of("prompt", "a", "max_tokens", 1000)).then().statusCode(400)
                .body("detail", containsString("max_tokens must be in [0, 64]"));
        post("/v1/completions", Map.of("prompt", "a", "logprobs", 50)).then().statusCode(400)
                .body("detail", containsString("logprobs must be in [0, 20]"));
        post("/v1/completions", Map.of("prompt", Map.of("x", 1))).then().statusCode(400)
                .body("detail", containsString("prompt must be"));
        post("/v1/completions", Map.of("prompt", "a", "presence_penalty", 0.5)).then().statusCode(400);
        post("/v1/completions", Map.of("prompt", List.of(1, 99999999))).then().statusCode(400)
                .body("detail", containsString("outside the model's vocabulary"));
        post("/v1/chat/completions", Map.of("messages", List.of(Map.of("role", "assistant", "content", "hi"))))
                .then().statusCode(400).body("detail", containsString("must follow a user message"));
        post("/v1/chat/completions", Map.of("messages", List.of(Map.of("role", "wizard", "content", "hi"))))
                .then().statusCode(400).body("detail", containsString("role must be system, user or assistant"));
        post("/v1/chat/completions", Map.of("messages", List.of())).then().statusCode(400);
        post("/v1/chat/completions", Map.of("model", "nope", "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .then().statusCode(404);
    }
}
