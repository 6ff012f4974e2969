package dev.tuneline.gateway;

import static dev.tuneline.gateway.TestApi.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.events.JobRequested;
import dev.tuneline.events.ModelReady;
import dev.tuneline.events.Topics;
import dev.tuneline.events.serde.EventSerializer;
import dev.tuneline.events.serde.JobRequestedDeserializer;
import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.KafkaTestClient;
import dev.tuneline.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Model registry: imports under the model root, job models with lineage and metrics, eval jobs on registered models. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ModelResourceTests {

    @BeforeEach
    void models() {
        TestApi.importTestModels();
    }

    @Test
    void importedModelsAreListedInTheOpenAiShape() {
        given().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItems(TestModels.LM, TestModels.RM))
                .body("data.find { it.id == 'tiny-lm' }.object", equalTo("model"))
                .body("data.find { it.id == 'tiny-lm' }.owned_by", equalTo("tuneline"))
                .body("data.find { it.id == 'tiny-lm' }.kind", equalTo("causal-lm"))
                .body("data.find { it.id == 'tiny-rm' }.kind", equalTo("reward"));
        given().get("/v1/models/" + TestModels.RM).then().statusCode(200)
                .body("source", equalTo("import")).body("architecture", equalTo("gpt2"))
                .body("path", equalTo(TestModels.RM_PATH));
        given().get("/v1/models/no-such-model").then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("model 'no-such-model' does not exist"));
        given().get("/v1/models/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void importsCannotLeaveTheModelRoot() throws Exception {
        Path outside = TestModels.ROOT.getParent().resolve("outside-model");
        Files.createDirectories(outside);
        Files.copy(TestModels.ROOT.resolve(TestModels.LM_PATH).resolve("config.json"), outside.resolve("config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String path : List.of("../outside-model", "imports/../../outside-model", "/etc", "imports/..%2F..",
                "..", "imports/../../../../etc/passwd")) {
            given().contentType(ContentType.JSON).body(Map.of("name", "evil", "path", path))
                    .post("/v1/models").then().statusCode(400).contentType("application/problem+json");
        }
        given().get("/v1/models/evil").then().statusCode(404);
        given().get("/v1/models/..%2F..%2Fetc").then().statusCode(404);
    }

    @Test
    void importValidatesNameDirectoryAndDuplicates() throws Exception {
        given().contentType(ContentType.JSON).body(Map.of("name", TestModels.LM, "path", TestModels.LM_PATH))
                .post("/v1/models").then().statusCode(409).body("detail", containsString("already imported"));
        given().contentType(ContentType.JSON).body(Map.of("name", "bad name!", "path", TestModels.LM_PATH))
                .post("/v1/models").then().statusCode(400).body("detail", containsString("name must be"));
        given().contentType(ContentType.JSON).body(Map.of("name", UUID.randomUUID().toString(), "path", TestModels.LM_PATH))
                .post("/v1/models").then().statusCode(400).body("detail", containsString("UUID"));
        given().contentType(ContentType.JSON).body(Map.of("name", "nothing-there", "path", "imports/nothing-there"))
                .post("/v1/models").then().statusCode(400).body("detail", containsString("not found"));
        Path noWeights = TestModels.ROOT.resolve("imports/config-only");
        Files.createDirectories(noWeights);
        Files.copy(TestModels.ROOT.resolve(TestModels.LM_PATH).resolve("config.json"), noWeights.resolve("config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        given().contentType(ContentType.JSON).body(Map.of("name", "config-only", "path", "imports/config-only"))
                .post("/v1/models").then().statusCode(400).body("detail", containsString("no model.safetensors"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x1", "path", TestModels.LM_PATH, "template", "nope"))
                .post("/v1/models").then().statusCode(400).body("detail", containsString("unknown prompt template"));
        given().contentType(ContentType.JSON).body(Map.of("path", TestModels.LM_PATH))
                .post("/v1/models").then().statusCode(400).body("detail", containsString("name is required"));
    }

    @Test
    void aJobModelAppearsAtModelReadyWithLineageAndMetricsAndServes() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("type", "sft", "dataset", "code_alpaca_2k", "baseModel", "tiny-gpt2",
                        "config", Map.of("maxSteps", 3, "template", "alpaca")))
                .post("/v1/jobs").then().statusCode(201).extract().path("id");
        given().get("/v1/models/" + id).then().statusCode(404);
        Path dir = TestModels.writeJobModel(id);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", KafkaResource.bootstrapServers()), new StringSerializer(), new EventSerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODEL_READY, id, ModelReady.of(UUID.fromString(id),
                    new ModelReady.Payload("sft", dir.toString(), null, Map.of("loss", 1.25))))).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/v1/models").then()
                .body("data.id", hasItem(id)));
        given().get("/v1/models/" + id).then().statusCode(200)
                .body("kind", equalTo("causal-lm")).body("source", equalTo("job"))
                .body("state", equalTo("EVALUATING")).body("template", equalTo("alpaca"))
                .body("path", equalTo("jobs/" + id + "/model"))
                .body("lineage.jobId", equalTo(id)).body("lineage.baseModel", equalTo("tiny-gpt2"))
                .body("lineage.dataset", equalTo("code_alpaca_2k")).body("lineage.config.maxSteps", equalTo(3))
                .body("metrics.'train.loss'", equalTo(1.25f));
        given().contentType(ContentType.JSON).body(Map.of("model", id, "prompt", "Hello", "maxNewTokens", 3))
                .post("/v1/generate").then().statusCode(200).body("results[0].tokens.size()", equalTo(3));
        // three models in use, a cache of two: the least recently used one was closed, and reloads on demand
        given().contentType(ContentType.JSON).body(Map.of("model", TestModels.RM, "prompt", "p", "response", "r"))
                .post("/v1/score").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("model", TestModels.LM, "prompt", "Hello", "maxNewTokens", 1))
                .post("/v1/generate").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("model", id, "prompt", "Hello", "maxNewTokens", 1))
                .post("/v1/generate").then().statusCode(200);
        assertEquals(2.0, BatchingTests.metric("tuneline_models_loaded"));
        assertTrue(BatchingTests.metric("tuneline_model_load_seconds_count") >= 4, "the evicted model was loaded again");
    }

    @Test
    void aJobModelWhoseFilesAreMissingAnswers503() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("type", "sft", "dataset", "code_alpaca_2k", "baseModel", "tiny-gpt2"))
                .post("/v1/jobs").then().statusCode(201).extract().path("id");
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", KafkaResource.bootstrapServers()), new StringSerializer(), new EventSerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODEL_READY, id, ModelReady.of(UUID.fromString(id),
                    new ModelReady.Payload("sft", "jobs/" + id + "/model", null, Map.of())))).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/v1/models/" + id).then().statusCode(200));
        given().contentType(ContentType.JSON).body(Map.of("model", id, "prompt", "Hello", "maxNewTokens", 1))
                .post("/v1/generate").then().statusCode(503).contentType("application/problem+json")
                .body("detail", containsString("has no checkpoint at jobs/" + id + "/model"));
        TestModels.writeJobModel(id);   // the files arrive: now it serves
        given().contentType(ContentType.JSON).body(Map.of("model", id, "prompt", "Hello", "maxNewTokens", 1))
                .post("/v1/generate").then().statusCode(200);
    }

    @Test
    void evalJobsNameARegisteredModelAndCarryItsDirectory() {
        given().contentType(ContentType.JSON)
                .body(Map.of("type", "eval", "dataset", "code_alpaca_2k", "baseModel", "not-registered"))
                .post("/v1/jobs").then().statusCode(400)
                .body("detail", containsString("eval job evaluates a registered model"));
        given().contentType(ContentType.JSON)
                .body(Map.of("type", "sft", "dataset", "code_alpaca_2k", "baseModel", "no-such-base"))
                .post("/v1/jobs").then().statusCode(400).body("detail", containsString("not found"));
        given().contentType(ContentType.JSON)
                .body(Map.of("type", "sft", "dataset", "code_alpaca_2k", "baseModel", "../../etc"))
                .post("/v1/jobs").then().statusCode(400).body("detail", containsString("not valid"));
        given().contentType(ContentType.JSON)
                .body(Map.of("type", "sft", "dataset", "code_alpaca_2k", "baseModel", "tiny-gpt2",
                        "config", Map.of("template", "klingon")))
                .post("/v1/jobs").then().statusCode(400).body("detail", containsString("config.template must be one of"));
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("type", "eval", "dataset", "code_alpaca_2k", "baseModel", TestModels.LM,
                        "config", Map.of("evalSamples", 4)))
                .post("/v1/jobs").then().statusCode(201).body("type", equalTo("eval"))
                .body("baseModel", equalTo(TestModels.LM)).extract().path("id");
        JobRequested found = KafkaTestClient.readUntil(Topics.JOB_REQUESTED, new JobRequestedDeserializer(),
                UUID.fromString(id), e -> true, Duration.ofSeconds(30)).get(0);
        assertEquals("eval", found.payload().jobType());
        assertEquals(TestModels.LM_PATH, found.payload().baseModel());
        assertEquals(4, found.payload().config().evalSamples());
    }
}
