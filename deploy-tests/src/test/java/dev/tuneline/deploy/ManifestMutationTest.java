package dev.tuneline.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each test breaks one thing in an in-memory copy of a rendered overlay and proves the checks
 * report exactly that (the unbroken renderings pass: {@link OverlayTest}).
 */
class ManifestMutationTest {

    /** Violations of the named rendering after {@code mutation}; asserts one contains each expected text. */
    private static List<String> assertBroken(String target, Consumer<List<Map<String, Object>>> mutation,
            String... expected) {
        List<Map<String, Object>> docs = Yamls.deepCopyAll(Repo.render(target));
        mutation.accept(docs);
        List<String> violations = ManifestChecker.check(docs, Repo.expectations(target));
        for (String e : expected) {
            assertTrue(violations.stream().anyMatch(v -> v.contains(e)),
                    "expected a violation containing '" + e + "', got:\n" + String.join("\n", violations));
        }
        return violations;
    }

    private static Map<String, Object> container(List<Map<String, Object>> docs, String deployment) {
        return Yamls.maps(Repo.find(docs, "Deployment", deployment), "spec.template.spec.containers").get(0);
    }

    private static Map<String, Object> pod(List<Map<String, Object>> docs, String deployment) {
        return Yamls.map(Repo.find(docs, "Deployment", deployment), "spec.template.spec");
    }

    private static Map<String, Object> env(List<Map<String, Object>> docs, String deployment, String name) {
        return Yamls.maps(container(docs, deployment), "env").stream().filter(e -> name.equals(e.get("name")))
                .findFirst().orElseThrow();
    }

    private static Map<String, Object> trigger(List<Map<String, Object>> docs, String worker) {
        return Yamls.map(Yamls.maps(Repo.find(docs, "ScaledObject", worker), "spec.triggers").get(0), "metadata");
    }

    /** The worker's postgresql trigger (the whole trigger: type, authenticationRef, metadata). */
    private static Map<String, Object> backlog(List<Map<String, Object>> docs, String worker) {
        return Yamls.maps(Repo.find(docs, "ScaledObject", worker), "spec.triggers").stream()
                .filter(t -> "postgresql".equals(t.get("type"))).findFirst().orElseThrow();
    }

    /** The TriggerAuthentication's secretTargetRef entry for one scaler parameter. */
    private static Map<String, Object> secretRef(List<Map<String, Object>> docs, String parameter) {
        return Yamls.maps(Repo.find(docs, "TriggerAuthentication", "tuneline-db"), "spec.secretTargetRef").stream()
                .filter(r -> parameter.equals(r.get("parameter"))).findFirst().orElseThrow();
    }

    @Test
    void selectorThatMissesThePodLabels() {
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "Deployment", "sft-worker"), "spec.selector.matchLabels")
                .put("app.kubernetes.io/name", "sft-wrk"), "Deployment/sft-worker: spec.selector");
    }

    @Test
    void serviceSelectorThatMatchesNothing() {
        assertBroken("dev", d -> Yamls.map(Repo.find(d, "Service", "eval-service"), "spec.selector")
                .put("app.kubernetes.io/name", "evaluator"), "Service/eval-service: selector");
    }

    @Test
    void missingOrWrongProbes() {
        assertBroken("gpu", d -> container(d, "eval-service").remove("readinessProbe"),
                "container eval-service: readinessProbe is missing");
        assertBroken("gpu", d -> Yamls.map(container(d, "gateway"), "livenessProbe.httpGet").put("path", "/health"),
                "container gateway: livenessProbe path /health, expected /q/health/live");
        assertBroken("dev", d -> Yamls.map(container(d, "gateway"), "readinessProbe.httpGet").put("port", "web"),
                "readinessProbe port web is not a container port");
    }

    @Test
    void misspeltFieldIsCaughtByTheTypedModel() {
        assertBroken("gpu", d -> {
            Map<String, Object> c = container(d, "dataset-service");
            c.put("livenesProbe", c.remove("livenessProbe"));
        }, "unknown field spec.template.spec.containers[0].livenesProbe");
    }

    @Test
    void missingResourceLimitsAndTooManyThreads() {
        assertBroken("gpu", d -> Yamls.map(container(d, "gateway"), "resources.limits").remove("memory"),
                "container gateway: resources.limits.memory is missing");
        assertBroken("gpu", d -> env(d, "sft-worker", "OMP_NUM_THREADS").put("value", "16"),
                "OMP_NUM_THREADS=16 exceeds the CPU limit 8");
        assertBroken("dev", d -> env(d, "sft-worker", "QUARKUS_HTTP_PORT").put("value", 8082),
                "env QUARKUS_HTTP_PORT has a non-string value");
    }

    @Test
    void workersWithoutGpuInTheGpuOverlay() {
        assertBroken("gpu", d -> Yamls.map(container(d, "reward-worker"), "resources.limits").remove("nvidia.com/gpu"),
                "container reward-worker: resources.limits.nvidia.com/gpu must be at least 1");
        assertBroken("gpu", d -> pod(d, "sft-worker").remove("tolerations"),
                "Deployment/sft-worker: no toleration");
        assertBroken("gpu", d -> pod(d, "sft-worker").remove("nodeSelector"),
                "Deployment/sft-worker: nodeSelector does not pick GPU nodes");
        assertBroken("dev", d -> Yamls.map(container(d, "gateway"), "resources.limits").put("nvidia.com/gpu", "1"),
                "container gateway: requests nvidia.com/gpu but overlay dev gives it no GPU");
    }

    @Test
    void workerThatCannotCheckpoint() {
        assertBroken("gpu", d -> pod(d, "sft-worker").put("terminationGracePeriodSeconds", 30),
                "terminationGracePeriodSeconds 30 is below 600");
        assertBroken("dev", d -> Yamls.maps(container(d, "reward-worker"), "volumeMounts").get(0).put("readOnly", true),
                "TUNELINE_MODEL_ROOT is mounted read-only but reward-worker writes there");
        assertBroken("dev", d -> Yamls.map(Repo.find(d, "Deployment", "sft-worker"), "spec").put("replicas", 2),
                "spec.replicas is set, but the KEDA ScaledObject owns the replica count");
        assertBroken("gpu", d -> Yamls.map(env(d, "sft-worker", "TUNELINE_WORKER_INSTANCE_ID"), "valueFrom.fieldRef")
                .put("fieldPath", "metadata.nmae"), "fieldRef metadata.nmae is not a downward-API field");
    }

    @Test
    void danglingReferences() {
        assertBroken("gpu", d -> Yamls.map(env(d, "gateway", "TUNELINE_API_KEYS"), "valueFrom.secretKeyRef")
                .put("name", "tuneline-gatewy"), "Secret tuneline-gatewy does not exist");
        assertBroken("dev", d -> Yamls.map(env(d, "gateway", "TUNELINE_API_KEYS"), "valueFrom.secretKeyRef")
                .put("key", "keys"), "Secret tuneline-gateway has no key keys");
        assertBroken("gpu", d -> Yamls.maps(pod(d, "eval-service"), "volumes").get(0).put("persistentVolumeClaim",
                new LinkedHashMap<>(Map.of("claimName", "tuneline-modls"))),
                "PersistentVolumeClaim tuneline-modls does not exist");
        assertBroken("gpu", d -> Yamls.maps(container(d, "gateway"), "envFrom").get(0).put("configMapRef",
                new LinkedHashMap<>(Map.of("name", "tuneline-cfg"))), "envFrom ConfigMap tuneline-cfg does not exist",
                "environment variable KAFKA_BOOTSTRAP_SERVERS is not set");
    }

    @Test
    void configPointingAtTheWrongPlaces() {
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "ConfigMap", "tuneline-config"), "data")
                .remove("KAFKA_BOOTSTRAP_SERVERS"), "environment variable KAFKA_BOOTSTRAP_SERVERS is not set");
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "ConfigMap", "tuneline-config"), "data")
                .put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"), "is not a Kafka bootstrap Service");
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "ConfigMap", "tuneline-config"), "data")
                .put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://tuneline-db-ro:5432/tuneline"),
                "is not a PostgreSQL primary");
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "ConfigMap", "tuneline-config"), "data")
                .put("DJL_CACHE_DIR", "/root/.djl.ai"),
                "DJL_CACHE_DIR=/root/.djl.ai is not the mount path of a PersistentVolumeClaim");
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "ConfigMap", "tuneline-config"), "data")
                .put("DJL_OFFLINE", "false"), "DJL_OFFLINE=false, expected true");
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "PersistentVolumeClaim", "tuneline-models"), "spec")
                .put("accessModes", List.of("ReadWriteOnce")), "PersistentVolumeClaim/tuneline-models: is shared");
    }

    @Test
    void topicsThatDriftFromTheEventsModule() {
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "KafkaTopic", "sft-batches"), "metadata")
                .put("name", "sft-batch"), "KafkaTopics missing for dev.tuneline.events.Topics constants [sft-batches]",
                "KafkaTopics [sft-batch] are not constants");
        assertBroken("gpu", d -> d.remove(Repo.find(d, "KafkaTopic", "dlq-eval-service")),
                "no dead-letter topic dlq-eval-service for consumer eval-service");
        assertBroken("dev", d -> Yamls.map(Repo.find(d, "KafkaTopic", "eval-sets"), "spec").put("replicas", 3),
                "KafkaTopic/eval-sets: spec.replicas 3 must be between 1 and the 1 broker(s)");
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "KafkaTopic", "job-failed"), "spec").put("replicas", 1),
                "min.insync.replicas 2 exceeds its 1 replica(s)");
    }

    @Test
    void scalersThatTargetTheWrongThing() {
        assertBroken("gpu", d -> trigger(d, "sft-worker").put("consumerGroup", "sft"),
                "ScaledObject/sft-worker: consumerGroup sft, expected the service's group sft-worker");
        assertBroken("gpu", d -> trigger(d, "reward-worker").put("topic", "sft-batches"),
                "topic sft-batches, expected reward-batches");
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "ScaledObject", "sft-worker"), "spec")
                .put("maxReplicaCount", 12), "maxReplicaCount 12 exceeds the 8 partitions of sft-batches");
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "ScaledObject", "sft-worker"), "spec.scaleTargetRef")
                .put("name", "sft"), "scaleTargetRef Deployment/sft is not a Deployment here",
                "expected one ScaledObject for sft-worker, found 0");
        assertBroken("gpu", d -> trigger(d, "sft-worker").put("bootstrapServers", "tuneline-kafka-bootstrap:9092"),
                "(KEDA's operator runs in another namespace)");
    }

    @Test
    void backlogTriggerThatCountsTheWrongJobs() {
        assertBroken("gpu", d -> Yamls.map(backlog(d, "sft-worker"), "metadata").put("query",
                "SELECT COUNT(*) FROM reward_worker.training_run WHERE state IN ('QUEUED', 'TRAINING')"),
                "ScaledObject/sft-worker: postgresql trigger: query does not read sft_worker.training_run",
                "query reads reward_worker, the schema of reward-worker");
        assertBroken("dev", d -> Yamls.map(backlog(d, "reward-worker"), "metadata").put("query",
                "SELECT COUNT(*) FROM reward_worker.training_runs WHERE state IN ('QUEUED', 'TRAINING')"),
                "query does not read reward_worker.training_run");
        assertBroken("gpu", d -> Yamls.map(backlog(d, "sft-worker"), "metadata").put("query",
                "SELECT COUNT(*) FROM sft_worker.training_run WHERE state = 'QUEUED'"),
                "query does not count state 'TRAINING'");
        assertBroken("gpu", d -> Yamls.map(backlog(d, "sft-worker"), "metadata").put("targetQueryValue", "4"),
                "targetQueryValue 4, expected \"1\": a replica trains one job at a time");
        assertBroken("gpu", d -> backlog(d, "reward-worker").put("metricType", "Value"),
                "postgresql trigger: metricType Value");
        assertBroken("gpu", d -> Yamls.list(Repo.find(d, "ScaledObject", "reward-worker"), "spec.triggers")
                .remove(backlog(d, "reward-worker")), "ScaledObject/reward-worker: expected exactly one trigger of"
                + " type postgresql (the QUEUED/TRAINING jobs in reward_worker.training_run), found 0");
        assertBroken("gpu", d -> Yamls.list(Repo.find(d, "ScaledObject", "sft-worker"), "spec.triggers").remove(0),
                "ScaledObject/sft-worker: expected exactly one trigger of type kafka (consumer lag), found 0");
        assertBroken("gpu", d -> backlog(d, "sft-worker").put("type", "postgres"),
                "trigger type postgres is not one the checks know");
    }

    @Test
    void backlogTriggerThatCannotLogIn() {
        assertBroken("gpu", d -> d.remove(Repo.find(d, "TriggerAuthentication", "tuneline-db")),
                "ScaledObject/sft-worker: postgresql trigger: authenticationRef names TriggerAuthentication"
                        + " tuneline-db, which does not exist");
        assertBroken("gpu", d -> secretRef(d, "password").put("key", "pass"),
                "TriggerAuthentication/tuneline-db: secretTargetRef password: Secret tuneline-db-app has no key pass");
        assertBroken("dev", d -> secretRef(d, "userName").put("name", "tuneline-db-ap"),
                "TriggerAuthentication/tuneline-db: secretTargetRef userName: Secret tuneline-db-ap does not exist");
        assertBroken("gpu", d -> secretRef(d, "userName").put("key", "password"),
                "sets userName from key password of Secret tuneline-db-app, expected [user, username]");
        assertBroken("gpu", d -> {
            Yamls.map(backlog(d, "sft-worker"), "metadata").remove("host");
            Yamls.list(Repo.find(d, "TriggerAuthentication", "tuneline-db"), "spec.secretTargetRef").add(
                    new LinkedHashMap<>(Map.of("parameter", "host", "name", "tuneline-db-app", "key", "host")));
        }, "ScaledObject/sft-worker: postgresql trigger: TriggerAuthentication tuneline-db sets host from key host"
                + " of Secret tuneline-db-app: CloudNativePG writes the short Service name there");
        assertBroken("gpu", d -> {
            Yamls.list(Repo.find(d, "TriggerAuthentication", "tuneline-db"), "spec.secretTargetRef")
                    .remove(secretRef(d, "password"));
            Yamls.map(backlog(d, "sft-worker"), "metadata").put("password", "tuneline");
        }, "unknown postgresql trigger field password (credentials belong in a TriggerAuthentication)",
                "ScaledObject/reward-worker: postgresql trigger: no password");
        assertBroken("gpu", d -> Yamls.map(backlog(d, "sft-worker"), "metadata").put("host", "tuneline-db-rw"),
                "postgresql trigger: host tuneline-db-rw, expected one of [tuneline-db-rw.tuneline.svc");
        assertBroken("gpu", d -> Yamls.map(backlog(d, "sft-worker"), "metadata").put("dbName", "postgres"),
                "postgresql trigger: dbName postgres, expected one of [tuneline]");
        assertBroken("dev", d -> Yamls.map(backlog(d, "reward-worker"), "metadata").put("sslmode", "disable"),
                "postgresql trigger: sslmode disable");
        assertBroken("gpu", d -> Yamls.map(backlog(d, "sft-worker"), "metadata").put("passwordFromEnv", "PG_PASS"),
                "passwordFromEnv PG_PASS is not set in sft-worker's container");
    }

    @Test
    void networkThatLetsTooMuchOrTooLittleThrough() {
        assertBroken("gpu", d -> {
            List<Object> rules = new ArrayList<>(Yamls.list(Repo.find(d, "NetworkPolicy", "tuneline-internal-http"),
                    "spec.ingress"));
            rules.add(new LinkedHashMap<>(Map.of("ports", List.of(Map.of("port", "http")))));
            Yamls.map(Repo.find(d, "NetworkPolicy", "tuneline-internal-http"), "spec").put("ingress", rules);
        }, "Deployment/dataset-service: is reachable from a client outside the cluster",
                "Deployment/sft-worker: is reachable from a pod of another namespace");
        assertBroken("gpu", d -> Yamls.list(Repo.find(d, "NetworkPolicy", "tuneline-egress"), "spec.egress").remove(1),
                "Deployment/gateway: cannot reach PostgreSQL tuneline-db-1 on 5432");
        assertBroken("gpu", d -> Yamls.list(Repo.find(d, "NetworkPolicy", "tuneline-egress"), "spec.egress")
                .add(new LinkedHashMap<>(Map.of("ports", List.of(Map.of("port", 443))))),
                "may open connections outside the cluster");
        assertBroken("gpu", d -> d.remove(Repo.find(d, "NetworkPolicy", "tuneline-egress")),
                "Deployment/sft-worker: cannot reach Kafka broker tuneline-dual-role on 9092",
                "Deployment/sft-worker: cannot reach cluster DNS");
        assertBroken("gpu", d -> {
            d.remove(Repo.find(d, "NetworkPolicy", "tuneline-egress"));
            d.remove(Repo.find(d, "NetworkPolicy", "tuneline-default-deny"));
        }, "Deployment/eval-service: pods are not isolated", "Deployment/eval-service: may open connections outside");
        assertBroken("gpu", d -> Yamls.maps(Repo.find(d, "Kafka", "tuneline"), "spec.kafka.listeners").get(0)
                .remove("networkPolicyPeers"), "Kafka: tuneline-dual-role is reachable from a pod of another namespace");
        assertBroken("gpu", d -> Yamls.list(Yamls.maps(Repo.find(d, "Kafka", "tuneline"), "spec.kafka.listeners")
                .get(0), "networkPolicyPeers").remove(1), "KEDA's operator cannot read consumer lag");
        assertBroken("gpu", d -> Yamls.list(Repo.find(d, "NetworkPolicy", "tuneline-db-access"), "spec.ingress")
                .remove(kedaRule(d)), "PostgreSQL: KEDA's operator cannot count the workers' jobs on tuneline-db-1");
        assertBroken("dev", d -> Yamls.maps(kedaRule(d), "from").get(0).remove("podSelector"),
                "PostgreSQL: tuneline-db-1 is reachable from keda-admission-webhooks");
        assertBroken("dev", d -> Yamls.map(Repo.find(d, "Service", "dataset-service"), "spec").put("type", "NodePort"),
                "Service/dataset-service: type NodePort exposes it outside the cluster");
        assertBroken("dev", d -> Yamls.map(Yamls.maps(Yamls.maps(Repo.find(d, "Ingress", "gateway"), "spec.rules")
                .get(0), "http.paths").get(0), "backend.service").put("name", "dataset-service"),
                "routes to Service dataset-service; only the gateway is exposed");
    }

    /** The ingress rule of the PostgreSQL policy that lets namespace keda in. */
    private static Map<String, Object> kedaRule(List<Map<String, Object>> docs) {
        return Yamls.maps(Repo.find(docs, "NetworkPolicy", "tuneline-db-access"), "spec.ingress").stream()
                .filter(r -> Yamls.maps(r, "from").stream().anyMatch(p -> "keda".equals(
                        Yamls.map(p, "namespaceSelector.matchLabels").get("kubernetes.io/metadata.name"))))
                .findFirst().orElseThrow();
    }

    @Test
    void kafkaOutOfShape() {
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "Kafka", "tuneline"), "spec.kafka").put("replicas", 3),
                "unknown field spec.kafka.replicas");
        assertBroken("dev", d -> Yamls.map(Repo.find(d, "Kafka", "tuneline"), "spec.kafka.config")
                .put("min.insync.replicas", 2), "config min.insync.replicas=2 exceeds the 1 broker(s)");
        assertBroken("gpu", d -> Yamls.map(Repo.find(d, "KafkaNodePool", "dual-role"), "spec")
                .put("roles", List.of("broker")), "KRaft needs node pools with the controller and broker roles");
        assertBroken("gpu", d -> Repo.find(d, "KafkaTopic", "model-ready").put("apiVersion", "kafka.strimzi.io/v1beta2"),
                "KafkaTopic/model-ready: apiVersion kafka.strimzi.io/v1beta2, expected kafka.strimzi.io/v1");
    }
}
