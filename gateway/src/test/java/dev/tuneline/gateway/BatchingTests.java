package dev.tuneline.gateway;

import static dev.tuneline.gateway.TestApi.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Concurrent requests share batches without changing their results; a flood beyond the queue gets 429. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class BatchingTests {

    @BeforeEach
    void models() {
        TestApi.importTestModels();
    }

    static double metric(String name) {
        String text = RestAssured.given().get("/q/metrics").asString();
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }

    @Test
    void concurrentRequestsAreBatchedAndGetTheSameTokensAsAlone() throws Exception {
        List<String> prompts = List.of("The quick brown fox", "def add(a, b):", "Hello", "SELECT * FROM",
                "Once upon a time there was", "import numpy as np", "1 2 3 4", "Translate to French: cat");
        List<List<Integer>> alone = new ArrayList<>();
        for (String p : prompts) {
            alone.add(given().contentType(ContentType.JSON)
                    .body(Map.of("model", TestModels.LM, "prompt", p, "maxNewTokens", 24, "ignoreEos", true))
                    .post("/v1/generate").then().statusCode(200).extract().jsonPath().getList("results[0].tokens", Integer.class));
        }
        double tokensBefore = metric("tuneline_tokens_generated_total");
        ExecutorService pool = Executors.newFixedThreadPool(prompts.size());
        try {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (String p : prompts) {
                Callable<List<Integer>> call = () -> given().contentType(ContentType.JSON)
                        .body(Map.of("model", TestModels.LM, "prompt", p, "maxNewTokens", 24, "ignoreEos", true))
                        .post("/v1/generate").then().statusCode(200).extract().jsonPath()
                        .getList("results[0].tokens", Integer.class);
                futures.add(pool.submit(call));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(alone.get(i), futures.get(i).get(), "prompt " + i + " batched vs alone");
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(metric("tuneline_inference_batch_size_max") >= 2,
                "some batch held several requests; max = " + metric("tuneline_inference_batch_size_max"));
        assertEquals(tokensBefore + 8 * 24, metric("tuneline_tokens_generated_total"), 0.5);
        assertTrue(metric("tuneline_inference_queue_depth") >= 0);
    }

    @Test
    void requestsWithDifferentBudgetsShareBatchesAndEachStopsAtItsOwn() throws Exception {
        int[] budgets = {1, 3, 6, 12, 24, 48};   // one per power-of-two bucket
        List<List<Integer>> alone = new ArrayList<>();
        for (int b : budgets) {
            alone.add(given().contentType(ContentType.JSON)
                    .body(Map.of("model", TestModels.LM, "prompt", "budget " + b, "maxNewTokens", b, "ignoreEos", true))
                    .post("/v1/generate").then().statusCode(200).extract().jsonPath()
                    .getList("results[0].tokens", Integer.class));
        }
        double tokensBefore = metric("tuneline_tokens_generated_total");
        double batchesBefore = metric("tuneline_inference_batch_size_count");
        ExecutorService pool = Executors.newFixedThreadPool(budgets.length);
        try {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int b : budgets) {
                futures.add(pool.submit(() -> given().contentType(ContentType.JSON)
                        .body(Map.of("model", TestModels.LM, "prompt", "budget " + b, "maxNewTokens", b,
                                "ignoreEos", true))
                        .post("/v1/generate").then().statusCode(200).extract().jsonPath()
                        .getList("results[0].tokens", Integer.class)));
            }
            for (int i = 0; i < budgets.length; i++) {
                assertEquals(alone.get(i), futures.get(i).get(), "budget " + budgets[i] + " batched vs alone");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(tokensBefore + 94, metric("tuneline_tokens_generated_total"), 0.5,
                "usage counts each request's own tokens");
        assertTrue(metric("tuneline_inference_batch_size_count") - batchesBefore < budgets.length,
                "requests of different budgets shared a batch");
    }

    @Test
    void aFloodBeyondTheQueueGets429WithRetryAfter() throws Exception {
        int n = 30;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String prompt = "flood " + i;
                futures.add(pool.submit(() -> RestAssured.given().header("X-API-Key", "queue-key")
                        .contentType(ContentType.JSON)
                        .body(Map.of("model", TestModels.LM, "prompt", prompt, "maxNewTokens", 64, "ignoreEos", true,
                                "doSample", true, "seed", 5))
                        .post("/v1/generate")));
            }
            int ok = 0;
            int limited = 0;
            for (Future<Response> f : futures) {
                Response r = f.get();
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertEquals(429, r.statusCode(), r.asString());
                    assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1);
                    assertTrue(r.asString().contains("queue is full"), r.asString());
                    limited++;
                }
            }
            assertTrue(limited > 0, "no 429 among " + n + " concurrent requests (queue capacity 8)");
            assertTrue(ok > 0, "nothing was served");
        } finally {
            pool.shutdownNow();
        }
        assertTrue(metric("tuneline_inference_rejected_total") > 0 || RestAssured.given().get("/q/metrics").asString()
                .contains("reason=\"queue_full\""));
    }

    @Test
    void aRequestThatCannotFinishInItsTimeoutGets504() {
        given().contentType(ContentType.JSON)
                .body(Map.of("model", TestModels.LM, "prompt", "slow", "maxNewTokens", 64, "ignoreEos", true,
                        "numBeams", 4, "timeoutSeconds", 0.001))
                .post("/v1/generate").then().statusCode(504).contentType("application/problem+json");
    }
}
