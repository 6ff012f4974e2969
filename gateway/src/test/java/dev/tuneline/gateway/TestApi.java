package dev.tuneline.gateway;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;

/** REST Assured requests carrying the test API key, and the shared test models imported once per JVM. */
public final class TestApi {
    /** The key every test sends (configured in the test profile). */
    public static final String KEY = "test-key";

    private TestApi() {
    }

    /** A request with {@code Authorization: Bearer test-key}. */
    public static RequestSpecification given() {
        return RestAssured.given().header("Authorization", "Bearer " + KEY);
    }

    /** Imports the tiny test models once (a 409 from an earlier class means they are there). */
    public static synchronized void importTestModels() {
        TestModels.ensure();
        for (Map<String, Object> body : new Map[] {
                Map.of("name", TestModels.LM, "path", TestModels.LM_PATH, "description", "tiny random GPT-2 for tests"),
                Map.of("name", TestModels.RM, "path", TestModels.RM_PATH)}) {
            int status = given().contentType(ContentType.JSON).body(body).post("/v1/models").statusCode();
            if (status != 201 && status != 409) {
                throw new IllegalStateException("importing " + body + " answered " + status);
            }
        }
    }
}
