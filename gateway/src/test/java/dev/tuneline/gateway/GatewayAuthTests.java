package dev.tuneline.gateway;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** API keys on every endpoint but health and metrics, per-key rate limit, body size limit, OpenAPI and health. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class GatewayAuthTests {

    @Test
    void everyApiEndpointNeedsAKey() {
        for (String path : List.of("/v1/jobs", "/v1/models", "/v1/models/x", "/v1/datasets", "/q/openapi",
                "/q/swagger-ui/")) {
            RestAssured.given().get(path).then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("status", equalTo(401)).body("detail", containsString("missing API key"));
        }
        for (String path : List.of("/v1/generate", "/v1/score", "/v1/compare", "/v1/completions", "/v1/chat/completions",
                "/v1/jobs")) {
            RestAssured.given().contentType(ContentType.JSON).body("{}").post(path).then().statusCode(401);
        }
        RestAssured.given().header("Authorization", "Bearer wrong-key").get("/v1/models").then().statusCode(401)
                .body("detail", equalTo("invalid API key"));
        RestAssured.given().header("X-API-Key", "wrong-key").get("/v1/models").then().statusCode(401);
    }

    @Test
    void keysWorkAsBearerOrHeaderAndHashedEntriesAreAccepted() {
        RestAssured.given().header("Authorization", "Bearer test-key").get("/v1/jobs").then().statusCode(200);
        RestAssured.given().header("X-API-Key", "test-key").get("/v1/jobs").then().statusCode(200);
        // configured only as sha256:<digest>: the plain key is never in the configuration
        RestAssured.given().header("Authorization", "Bearer hashed-key").get("/v1/jobs").then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer sha256:" + "a4ae87b73fa5645e6aee415a6f72be4dcbd99d057a7b40cb1b867c181d179260")
                .get("/v1/jobs").then().statusCode(401);
    }

    @Test
    void healthAndMetricsArePublicAndReadinessCoversBrokerAndDatabase() {
        Response ready = RestAssured.given().get("/q/health/ready");
        ready.then().statusCode(200).body("status", equalTo("UP"));
        List<String> names = ready.jsonPath().getList("checks.name");
        assertTrue(names.stream().anyMatch(n -> n.toLowerCase().contains("kafka")), "readiness checks: " + names);
        assertTrue(names.stream().anyMatch(n -> n.toLowerCase().contains("database")), "readiness checks: " + names);
        assertTrue(names.contains("model-root"), "readiness checks: " + names);
        RestAssured.given().get("/q/health/live").then().statusCode(200);
        TestApi.given().get("/v1/jobs").then().statusCode(200);
        RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"));
    }

    @Test
    void openApiDocumentsEveryEndpointAndTheKeySchemes() {
        TestApi.given().accept(ContentType.JSON).get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", hasKey("/v1/jobs")).body("paths", hasKey("/v1/generate"))
                .body("paths", hasKey("/v1/score")).body("paths", hasKey("/v1/compare"))
                .body("paths", hasKey("/v1/completions")).body("paths", hasKey("/v1/chat/completions"))
                .body("paths", hasKey("/v1/models")).body("paths", hasKey("/v1/datasets"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("components.securitySchemes.apiKey.name", equalTo("X-API-Key"));
        TestApi.given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void oversizedBodiesAreRefusedWith413() {
        String big = "x".repeat(1_100_000);
        TestApi.given().contentType(ContentType.JSON).body(Map.of("model", "m", "prompt", big))
                .post("/v1/generate").then().statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("over the limit of 1048576 bytes"));
    }

    @Test
    void aFloodFromOneKeyGets429WithRetryAfterWhileOtherKeysPass() throws Exception {
        // 32 clients on a path that answers 404 right after the key check (no database work), far above 50
        // requests/s: the burst of 100 passes, then 429s come
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<Response>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 600; i++) {
                futures.add(pool.submit(() -> RestAssured.given().header("X-API-Key", "flood-key").get("/v1/no-such-path")));
            }
            int ok = 0;
            Response limited = null;
            for (Future<Response> f : futures) {
                Response r = f.get();
                assertTrue(r.statusCode() == 404 || r.statusCode() == 429, "status " + r.statusCode());
                if (r.statusCode() == 404) {
                    ok++;
                } else {
                    limited = r;
                }
            }
            assertTrue(limited != null, "no 429 among 600 requests");
            assertTrue(ok >= 100, "the burst of 100 passes: " + ok + " passed");
            limited.then().contentType("application/problem+json").header("Retry-After", notNullValue())
                    .body("detail", containsString("rate limit exceeded"));
            assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1);
        } finally {
            pool.shutdownNow();
        }
        TestApi.given().get("/v1/jobs?size=1").then().statusCode(200);   // other keys are not affected
        RestAssured.given().get("/q/metrics").then().body(containsString("tuneline_requests_rejected_total"))
                .body(containsString("reason=\"rate_limited\""));
    }
}
