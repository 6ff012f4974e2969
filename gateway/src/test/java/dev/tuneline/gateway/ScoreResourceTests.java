package dev.tuneline.gateway;

import static dev.tuneline.gateway.TestApi.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/score} and {@code /v1/compare} against rewards computed directly on the reward model. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ScoreResourceTests {
    static final String EOS = "<|endoftext|>";

    @BeforeEach
    void models() {
        TestApi.importTestModels();
    }

    @Test
    void scoreRendersAsTheRewardJobTrainedAndMatchesTheModel() {
        // plain prompt: human-assistant template, response after "Assistant:" with a space, then EOS
        float ref = TestModels.reward(TestModels.encode("\n\nHuman: How do I sort a list?\n\nAssistant: Use sorted()." + EOS));
        Response r = given().contentType(ContentType.JSON)
                .body(Map.of("model", TestModels.RM, "prompt", "How do I sort a list?", "response", "Use sorted()."))
                .post("/v1/score");
        r.then().statusCode(200).body("model", equalTo(TestModels.RM));
        assertEquals(ref, r.jsonPath().getFloat("reward"), 1e-4);
        // an hh-rlhf prompt is used verbatim (raw), the answer keeps its leading space
        String hh = "\n\nHuman: Hi there\n\nAssistant:";
        float refHh = TestModels.reward(TestModels.encode(hh + " Hello!" + EOS));
        Response pairs = given().contentType(ContentType.JSON)
                .body(Map.of("model", TestModels.RM, "pairs", List.of(Map.of("prompt", hh, "response", " Hello!"),
                        Map.of("prompt", "How do I sort a list?", "response", "Use sorted()."))))
                .post("/v1/score");
        pairs.then().statusCode(200).body("rewards.size()", equalTo(2));
        assertEquals(refHh, pairs.jsonPath().getFloat("rewards[0]"), 1e-4);
        assertEquals(ref, pairs.jsonPath().getFloat("rewards[1]"), 1e-4, "batched (padded) equals alone");
    }

    @Test
    void compareGivesBothRewardsAndTheBradleyTerryProbability() {
        String prompt = "What is 2 + 2?";
        float ra = TestModels.reward(TestModels.encode("\n\nHuman: " + prompt + "\n\nAssistant: 4" + EOS));
        float rb = TestModels.reward(TestModels.encode("\n\nHuman: " + prompt + "\n\nAssistant: I like turtles." + EOS));
        Response r = given().contentType(ContentType.JSON)
                .body(Map.of("model", TestModels.RM, "prompt", prompt, "a", "4", "b", "I like turtles."))
                .post("/v1/compare");
        r.then().statusCode(200);
        assertEquals(ra, r.jsonPath().getFloat("rewardA"), 1e-4);
        assertEquals(rb, r.jsonPath().getFloat("rewardB"), 1e-4);
        double p = 1 / (1 + Math.exp(-((double) ra - rb)));
        assertEquals(p, r.jsonPath().getDouble("probabilityAOverB"), 1e-4);
        Response swapped = given().contentType(ContentType.JSON)
                .body(Map.of("model", TestModels.RM, "prompt", prompt, "a", "I like turtles.", "b", "4"))
                .post("/v1/compare");
        assertEquals(1.0, p + swapped.jsonPath().getDouble("probabilityAOverB"), 1e-6);
    }

    @Test
    void badScoreRequests() {
        given().contentType(ContentType.JSON).body(Map.of("model", TestModels.RM, "prompt", "p"))
                .post("/v1/score").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("response is required"));
        given().contentType(ContentType.JSON).body(Map.of("model", TestModels.LM, "prompt", "p", "response", "r"))
                .post("/v1/score").then().statusCode(400).body("detail", containsString("not a reward model"));
        given().contentType(ContentType.JSON).body(Map.of("model", TestModels.RM, "prompt", "p", "a", "x"))
                .post("/v1/compare").then().statusCode(400).body("detail", containsString("b is required"));
        given().contentType(ContentType.JSON).body(Map.of("model", "nope", "prompt", "p", "a", "x", "b", "y"))
                .post("/v1/compare").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("model", TestModels.RM, "pairs", List.of()))
                .post("/v1/score").then().statusCode(400).body("detail", containsString("pairs must hold 1 to 16"));
        given().contentType(ContentType.JSON)
                .body(Map.of("model", TestModels.RM, "prompt", "p", "response", " word".repeat(400)))
                .post("/v1/score").then().statusCode(400).body("detail", containsString("over the model's 256 positions"));
    }
}
