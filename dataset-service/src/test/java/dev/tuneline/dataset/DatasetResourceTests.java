package dev.tuneline.dataset;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class DatasetResourceTests {

    @Test
    void bundledDatasetsAreRegisteredWithRowsAndChecksums() {
        given().get("/v1/datasets/code_alpaca_2k").then().statusCode(200)
                .body("kind", equalTo("instruction")).body("rows", equalTo(2017))
                .body("license", equalTo("CC BY-NC 4.0"));
        given().get("/v1/datasets/hh_helpful_pairs").then().statusCode(200)
                .body("kind", equalTo("preference")).body("rows", equalTo(2345));
        given().get("/v1/datasets/nope").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void badFilesGetA400NamingTheProblemAndAGoodFileStillRegisters() {
        upload("missing_field", "json", "[{\"instruction\": \"a\", \"output\": \"b\"}, {\"instruction\": \"c\"}]")
                .statusCode(400).body("detail", containsString("output"));
        upload("wrong_type", "json", "[{\"instruction\": 5, \"input\": \"\", \"output\": \"b\"}]")
                .statusCode(400).body("detail", containsString("instruction"));
        upload("broken_line", "jsonl", "{\"instruction\": \"a\", \"input\": \"\", \"output\": \"b\"}\n{\"instruction\": \"a\",\n")
                .statusCode(400).body("detail", containsString("2"));
        upload("empty_file", "json", "").statusCode(400).body("detail", containsString("empty"));
        upload("huge_row", "json", "[{\"instruction\": \"" + "x".repeat(2_000_000) + "\", \"input\": \"\", \"output\": \"b\"}]")
                .statusCode(400);
        upload("../escape", "json", "[]").statusCode(400).body("detail", containsString("not valid"));
        given().get("/v1/datasets").then().body("name", org.hamcrest.Matchers.not(hasItem("missing_field")));

        upload("good_rows", "jsonl", "{\"instruction\": \"Say hi\", \"input\": \"\", \"output\": \"hi\"}\n"
                + "{\"instruction\": \"Add\", \"input\": \"1 2\", \"output\": \"3\"}\n")
                .statusCode(201).body("rows", equalTo(2)).body("checksum", org.hamcrest.Matchers.hasLength(64));
        given().get("/v1/datasets").then().body("name", hasItem("good_rows"));
        upload("good_rows", "jsonl", "{\"instruction\": \"x\", \"input\": \"\", \"output\": \"y\"}\n").statusCode(409);
    }

    private static io.restassured.response.ValidatableResponse upload(String name, String format, String body) {
        return given().contentType("application/octet-stream").body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .queryParam("name", name).queryParam("kind", "instruction").queryParam("format", format)
                .post("/v1/datasets").then();
    }
}
