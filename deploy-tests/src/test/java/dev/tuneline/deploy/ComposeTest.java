package dev.tuneline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** docker-compose.yml (and its GPU override) against the dev overlay's Kubernetes rendering. */
class ComposeTest {

    private static Map<String, Object> compose() {
        return Yamls.readOne(Repo.root().resolve("docker-compose.yml"));
    }

    private static List<String> violations(Map<String, Object> compose) {
        return ComposeChecker.check(compose, Repo.render("dev"), Repo.root());
    }

    private static Map<String, Object> service(Map<String, Object> compose, String name) {
        return Yamls.map(Yamls.map(compose, "services"), name);
    }

    private static void assertBroken(Consumer<Map<String, Object>> mutation, String expected) {
        Map<String, Object> compose = compose();
        mutation.accept(compose);
        List<String> v = violations(compose);
        assertTrue(v.stream().anyMatch(x -> x.contains(expected)),
                "expected a violation containing '" + expected + "', got:\n" + String.join("\n", v));
    }

    @Test
    void composeMatchesKubernetes() {
        List<String> v = violations(compose());
        assertTrue(v.isEmpty(), String.join("\n", v));
    }

    @Test
    void anchorsAndMergeKeysAreResolved() {
        Map<String, String> env = ComposeChecker.environment(service(compose(), "sft-worker"));
        assertEquals("kafka:9092", env.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals("8082", env.get("QUARKUS_HTTP_PORT"));
        assertEquals("${TUNELINE_DB_PASSWORD:-tuneline}", env.get("QUARKUS_DATASOURCE_PASSWORD"));
        assertEquals(3, Yamls.list(service(compose(), "eval-service"), "volumes").size());
    }

    @Test
    void gpuOverrideReservesGpusForTheWorkersOnly() {
        Map<String, Object> override = Yamls.readOne(Repo.root().resolve("docker-compose.gpu.yml"));
        assertTrue(ComposeChecker.checkGpuOverride(override, compose()).isEmpty(),
                String.join("\n", ComposeChecker.checkGpuOverride(override, compose())));
        Yamls.map(override, "services").remove("reward-worker");
        Yamls.map(Yamls.map(override, "services"), "sft-worker").remove("deploy");
        assertEquals(List.of("sft-worker: worker reserves no NVIDIA GPU"),
                ComposeChecker.checkGpuOverride(override, compose()));
    }

    @Test
    void composeDurations() {
        assertEquals(Duration.ofMinutes(15), ComposeChecker.duration("15m"));
        assertEquals(Duration.ofSeconds(90), ComposeChecker.duration("1m30s"));
        assertEquals(Duration.ofSeconds(10), ComposeChecker.duration(null));
    }

    @Test
    void brokenComposeFilesAreReported() {
        assertBroken(c -> Yamls.map(service(c, "eval-service"), "environment").remove("DJL_CACHE_DIR"),
                "eval-service: environment names differ from Kubernetes: only in compose [], only in Kubernetes [DJL_CACHE_DIR]");
        assertBroken(c -> Yamls.map(service(c, "gateway"), "environment").put("TUNELINE_MODEL_ROOT", "/models"),
                "gateway: TUNELINE_MODEL_ROOT=/models, Kubernetes has /var/lib/tuneline/models");
        assertBroken(c -> service(c, "sft-worker").remove("healthcheck"), "sft-worker: has no healthcheck");
        assertBroken(c -> service(c, "dataset-service").put("ports", List.of("8081:8081")),
                "dataset-service: publishes ports");
        assertBroken(c -> service(c, "reward-worker").put("stop_grace_period", "30s"),
                "reward-worker: stop_grace_period 30s is too short");
        assertBroken(c -> Yamls.map(service(c, "kafka-topics"), "environment").put("TOPICS",
                String.valueOf(Yamls.map(service(c, "kafka-topics"), "environment").get("TOPICS"))
                        .replace("sft-batches:8", "sft-batches:4")),
                "topic sft-batches has 4 partitions, Kubernetes has 8");
        assertBroken(c -> Yamls.map(service(c, "kafka-topics"), "environment").put("TOPICS", "job-requested:6"),
                "differ from dev.tuneline.events.Topics");
        assertBroken(c -> Yamls.map(service(c, "kafka"), "environment").put("KAFKA_PROCESS_ROLES", "broker"),
                "kafka: KAFKA_PROCESS_ROLES=broker must be broker,controller");
        assertBroken(c -> Yamls.map(service(c, "gateway"), "build").put("context", "./gatway"),
                "gateway: build file gatway/src/main/docker/Dockerfile.jvm does not exist");
        assertBroken(c -> Yamls.map(service(c, "postgres"), "environment").put("POSTGRES_USER", "admin"),
                "database user/password differ from the postgres service's");
        assertBroken(c -> {
            List<Object> volumes = new ArrayList<>(Yamls.list(service(c, "gateway"), "volumes"));
            volumes.set(0, "model-store:/var/lib/tuneline/models");
            service(c, "gateway").put("volumes", volumes);
        }, "gateway: named volume model-store is not declared");
        assertBroken(c -> service(c, "eval-service").put("depends_on",
                new LinkedHashMap<>(Map.of("postgres", Map.of("condition", "service_healthy")))),
                "eval-service: must wait for the topics to be created");
    }
}
