package dev.tuneline.gateway;

import static dev.tuneline.gateway.TestApi.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tuneline.events.JobCancelled;
import dev.tuneline.events.JobFailed;
import dev.tuneline.events.JobProgress;
import dev.tuneline.events.JobRequested;
import dev.tuneline.events.Topics;
import dev.tuneline.events.serde.EventSerializer;
import dev.tuneline.events.serde.JobCancelledDeserializer;
import dev.tuneline.events.serde.JobRequestedDeserializer;
import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.KafkaTestClient;
import dev.tuneline.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class JobResourceTests {

    @Test
    void createdJobIsStoredAndEmittedThroughTheOutbox() {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("type", "sft", "dataset", "code_alpaca_2k", "baseModel", "tiny-gpt2",
                        "config", Map.of("maxSteps", 5, "learningRate", 0.001)))
                .when().post("/v1/jobs")
                .then().statusCode(201)
                .header("Location", containsString("/v1/jobs/"))
                .body("state", equalTo("QUEUED"))
                .body("config.maxSteps", equalTo(5))
                .extract().path("id");

        given().when().get("/v1/jobs/" + id).then().statusCode(200).body("dataset", equalTo("code_alpaca_2k"));
        given().when().get("/v1/jobs").then().statusCode(200).body("id", hasItem(id));

        JobRequested found = KafkaTestClient.readUntil(Topics.JOB_REQUESTED, new JobRequestedDeserializer(),
                UUID.fromString(id), e -> true, Duration.ofSeconds(30)).get(0);
        assertEquals(UUID.fromString(id), found.jobId());
        assertEquals("sft", found.payload().jobType());
        assertEquals(5, found.payload().config().maxSteps());
    }

    @Test
    void invalidJobsGetA400NamingTheField() {
        given().contentType(ContentType.JSON)
                .body(Map.of("type", "dance", "dataset", "code_alpaca_2k", "baseModel", "tiny-gpt2"))
                .when().post("/v1/jobs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("type must be one of sft, reward, eval"));
        given().contentType(ContentType.JSON)
                .body(Map.of("type", "sft", "dataset", "../etc", "baseModel", "tiny-gpt2",
                        "config", Map.of("maxSteps", 0)))
                .when().post("/v1/jobs")
                .then().statusCode(400)
                .body("errors", hasItem("config.maxSteps: maxSteps must be >= 1"))
                .body("detail", containsString("dataset name may hold"));
        given().contentType(ContentType.JSON).body("{\"type\": \"sft\",")
                .when().post("/v1/jobs")
                .then().statusCode(400).body("detail", containsString("malformed JSON"));
        given().when().get("/v1/jobs/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void cancellingAJobTellsTheOtherServicesThroughTheOutbox() {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("type", "sft", "dataset", "code_alpaca_2k", "baseModel", "tiny-gpt2"))
                .when().post("/v1/jobs").then().statusCode(201).extract().path("id");
        UUID job = UUID.fromString(id);
        given().post("/v1/jobs/" + id + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));
        JobCancelled ev = KafkaTestClient.readUntil(Topics.JOB_CANCELLED, new JobCancelledDeserializer(), job,
                e -> true, Duration.ofSeconds(30)).get(0);
        assertEquals(job, ev.jobId());
        assertEquals("cancelled by user", ev.payload().reason());
        given().post("/v1/jobs/" + id + "/cancel").then().statusCode(409);
    }

    @Test
    void workerEventsMoveTheJobAndFailureIsTerminal() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("type", "reward", "dataset", "hh_helpful_pairs", "baseModel", "tiny-gpt2"))
                .when().post("/v1/jobs").then().statusCode(201).extract().path("id");
        UUID job = UUID.fromString(id);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", KafkaResource.bootstrapServers()), new StringSerializer(), new EventSerializer())) {
            producer.send(new ProducerRecord<>(Topics.JOB_PROGRESS, id, JobProgress.of(job,
                    new JobProgress.Payload("train", 3, 10, 0.1, 2.5, 1e-3, 1.0, 100, 5)))).get();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/v1/jobs/" + id).then()
                    .body("state", equalTo("TRAINING")).body("step", equalTo(3)));
            producer.send(new ProducerRecord<>(Topics.JOB_FAILED, id, JobFailed.of(job, "reward-worker", "boom"))).get();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/v1/jobs/" + id).then()
                    .body("state", equalTo("FAILED")).body("reason", equalTo("reward-worker: boom"))
                    .body("step", equalTo(3)).body("lastLoss", equalTo(2.5f)));
            // a late progress event must not revive a failed job
            producer.send(new ProducerRecord<>(Topics.JOB_PROGRESS, id, JobProgress.of(job,
                    new JobProgress.Payload("train", 4, 10, 0.1, 2.4, 1e-3, 1.0, 100, 5)))).get();
            Thread.sleep(2000);
            given().get("/v1/jobs/" + id).then().body("state", equalTo("FAILED")).body("step", equalTo(3));
        }
        given().post("/v1/jobs/" + id + "/cancel").then().statusCode(409);
    }
}
