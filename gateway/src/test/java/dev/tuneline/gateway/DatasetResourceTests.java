package dev.tuneline.gateway;

import static dev.tuneline.gateway.TestApi.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Datasets are relayed to dataset-service through the REST client; its statuses and problem+json errors pass through. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(FakeDatasetService.class)
class DatasetResourceTests {

    @Test
    void listAndGetAreRelayed() {
        given().get("/v1/datasets").then().statusCode(200).body("name", org.hamcrest.Matchers.hasItems(
                "code_alpaca_2k", "hh_helpful_pairs")).body("[1].kind", equalTo("preference"));
        given().get("/v1/datasets/code_alpaca_2k").then().statusCode(200).body("rows", equalTo(2017));
    }

    @Test
    void errorsKeepTheirProblemJsonAndBadNamesNeverLeave() {
        given().get("/v1/datasets/unknown_set").then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("dataset 'unknown_set' is not registered"));
        given().get("/v1/datasets/..%2F..%2Fetc%2Fpasswd").then().statusCode(org.hamcrest.Matchers.anyOf(
                equalTo(400), equalTo(404)));
        given().get("/v1/datasets/bad name").then().statusCode(400)
                .body("detail", containsString("dataset name may hold"));
        given().body(new byte[0]).contentType("application/x-ndjson").post("/v1/datasets?name=empty&format=jsonl")
                .then().statusCode(400).contentType("application/problem+json").body("detail", equalTo("row 0: empty file"));
    }

    @Test
    void uploadsPassBodyTypeAndQueryThrough() {
        String rows = "{\"instruction\":\"a\",\"input\":\"\",\"output\":\"b\"}\n{\"instruction\":\"c\",\"input\":\"\",\"output\":\"d\"}\n";
        given().body(rows.getBytes(java.nio.charset.StandardCharsets.UTF_8)).contentType("application/x-ndjson")
                .post("/v1/datasets?name=mine&kind=instruction&format=jsonl&license=MIT")
                .then().statusCode(201).header("Location", endsWith("/v1/datasets/mine")).body("rows", equalTo(2));
        assertEquals(rows, FakeDatasetService.lastUploadBody);
        assertTrue(FakeDatasetService.lastUploadType.startsWith("application/x-ndjson"), FakeDatasetService.lastUploadType);
        assertTrue(FakeDatasetService.lastUploadQuery.contains("name=mine")
                && FakeDatasetService.lastUploadQuery.contains("format=jsonl")
                && FakeDatasetService.lastUploadQuery.contains("license=MIT"), FakeDatasetService.lastUploadQuery);
    }
}
