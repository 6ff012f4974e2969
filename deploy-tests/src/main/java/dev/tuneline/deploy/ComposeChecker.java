package dev.tuneline.deploy;

import dev.tuneline.events.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks docker-compose.yml against the Kubernetes rendering of the same platform: the same five
 * services with the same environment names and paths, Kafka in KRaft mode with the same topics and
 * partitions, PostgreSQL with the credentials the services use, health checks, volumes, and only
 * the gateway published. Returns violations as "service: problem".
 */
public final class ComposeChecker {

    /** Variables whose values must be the same in compose and in Kubernetes. */
    private static final List<String> SAME_VALUE = List.of("TUNELINE_MODEL_ROOT", "TUNELINE_DATA_ROOT",
            "DJL_CACHE_DIR", "DJL_OFFLINE", "OPT_OUT_TRACKING", "OMP_WAIT_POLICY", "GLIBC_TUNABLES", "QUARKUS_HTTP_PORT",
            "JAVA_OPTS");
    private static final Pattern TOPIC = Pattern.compile("([a-z0-9.-]+):(\\d+)");
    private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(\\w+)");

    private final Map<String, Object> compose;
    private final Manifests k8s;
    private final Path repo;
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Map<String, Object>> services = new LinkedHashMap<>();

    private ComposeChecker(Map<String, Object> compose, List<Map<String, Object>> k8s, Path repo) {
        this.compose = compose;
        this.k8s = new Manifests(k8s);
        this.repo = repo;
        Yamls.map(compose, "services").forEach((name, s) -> services.put(name, Yamls.asMap(s, "services." + name)));
    }

    /** Violations of docker-compose.yml ({@code compose}) against a Kubernetes rendering; empty when it passes. */
    public static List<String> check(Map<String, Object> compose, List<Map<String, Object>> k8s, Path repo) {
        ComposeChecker c = new ComposeChecker(compose, k8s, repo);
        c.kafka();
        c.postgres();
        for (Platform.Service s : Platform.SERVICES) {
            c.service(s);
        }
        c.wiring();
        return c.violations;
    }

    /** Violations of a GPU override file: only workers, each reserving an NVIDIA GPU, all known services. */
    public static List<String> checkGpuOverride(Map<String, Object> override, Map<String, Object> compose) {
        List<String> out = new ArrayList<>();
        Map<String, Object> base = Yamls.map(compose, "services");
        Yamls.map(override, "services").forEach((name, raw) -> {
            Map<String, Object> s = Yamls.asMap(raw, name);
            if (!base.containsKey(name)) {
                out.add(name + ": not a service of docker-compose.yml");
            }
            boolean worker = Platform.service(name).map(Platform.Service::worker).orElse(false);
            boolean gpu = Yamls.maps(s, "deploy.resources.reservations.devices").stream()
                    .anyMatch(dev -> "nvidia".equals(dev.get("driver"))
                            && Yamls.list(dev, "capabilities").contains("gpu"));
            if (worker != gpu) {
                out.add(name + (worker ? ": worker reserves no NVIDIA GPU" : ": reserves a GPU but is no worker"));
            }
            String image = Yamls.str(s, "image");
            if (worker && (image == null || !Kustomizer.ImageRef.parse(image).tag().matches(".*-cu\\d+$"))) {
                out.add(name + ": image " + image + " is not a CUDA build");
            }
        });
        return out;
    }

    private void fail(String service, String problem) {
        violations.add(service + ": " + problem);
    }

    /** A service's environment as a map, whether written as a mapping or as a list of NAME=value. */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (raw instanceof List<?> list) {
            for (Object item : list) {
                String[] kv = String.valueOf(item).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : null);
            }
        }
        return env;
    }

    private String kafkaService() {
        return services.entrySet().stream()
                .filter(e -> String.valueOf(e.getValue().get("image")).startsWith("apache/kafka:")
                        && environment(e.getValue()).containsKey("KAFKA_PROCESS_ROLES"))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    private void kafka() {
        String name = kafkaService();
        if (name == null) {
            fail("kafka", "no apache/kafka broker service with KAFKA_PROCESS_ROLES (KRaft)");
            return;
        }
        Map<String, String> env = environment(services.get(name));
        String roles = env.get("KAFKA_PROCESS_ROLES");
        if (!roles.contains("broker") || !roles.contains("controller")) {
            fail(name, "KAFKA_PROCESS_ROLES=" + roles + " must be broker,controller (single-node KRaft)");
        }
        if (env.get("KAFKA_CONTROLLER_QUORUM_VOTERS") == null) {
            fail(name, "KAFKA_CONTROLLER_QUORUM_VOTERS is not set");
        }
        services.forEach((n, s) -> {
            if (String.valueOf(s.get("image")).contains("zookeeper")
                    || environment(s).keySet().stream().anyMatch(k -> k.contains("ZOOKEEPER"))) {
                fail(n, "uses ZooKeeper; Tuneline's Kafka runs in KRaft mode");
            }
        });
        if (!"false".equals(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"))) {
            fail(name, "KAFKA_AUTO_CREATE_TOPICS_ENABLE must be \"false\": topics come from the topic list");
        }
        // the one-shot service that creates the topics
        Map<String, Integer> declared = new TreeMap<>();
        String creator = null;
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            String topics = environment(e.getValue()).get("TOPICS");
            if (topics != null) {
                creator = e.getKey();
                for (String item : topics.trim().split("\\s+")) {
                    Matcher m = TOPIC.matcher(item);
                    if (!m.matches()) {
                        fail(creator, "TOPICS entry '" + item + "' is not name:partitions");
                        continue;
                    }
                    declared.put(m.group(1), Integer.parseInt(m.group(2)));
                }
            }
        }
        if (creator == null) {
            fail("kafka", "no service creates the topics (environment TOPICS)");
            return;
        }
        if (!new TreeSet<>(Topics.ALL).equals(declared.keySet())) {
            fail(creator, "TOPICS " + declared.keySet() + " differ from dev.tuneline.events.Topics " + new TreeSet<>(Topics.ALL));
        }
        for (Map<String, Object> t : k8s.ofKind("KafkaTopic")) {
            Object partitions = Yamls.get(t, "spec.partitions");
            Integer here = declared.get(Manifests.name(t));
            if (here != null && !here.equals(partitions)) {
                fail(creator, "topic " + Manifests.name(t) + " has " + here + " partitions, Kubernetes has " + partitions);
            }
        }
    }

    private String postgresService() {
        return services.entrySet().stream()
                .filter(e -> String.valueOf(e.getValue().get("image")).startsWith("postgres:"))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    private void postgres() {
        String name = postgresService();
        if (name == null) {
            fail("postgres", "no postgres service");
            return;
        }
        Map<String, String> env = environment(services.get(name));
        for (String k : List.of("POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD")) {
            if (env.get(k) == null) {
                fail(name, k + " is not set");
            }
        }
    }

    private void service(Platform.Service s) {
        Map<String, Object> svc = services.get(s.name());
        if (svc == null) {
            fail(s.name(), "missing");
            return;
        }
        String context = Yamls.str(svc, "build.context");
        String dockerfile = Yamls.str(svc, "build.dockerfile");
        if (context == null || dockerfile == null) {
            fail(s.name(), "build.context and build.dockerfile are required");
        } else if (!Files.isRegularFile(repo.resolve(context).resolve(dockerfile))) {
            fail(s.name(), "build file " + repo.relativize(repo.resolve(context).resolve(dockerfile).normalize())
                    + " does not exist");
        }
        Map<String, Object> container = k8s.container(s.name()).orElse(Map.of());
        String k8sImage = Yamls.str(container, "image");
        if (k8sImage != null && !k8sImage.equals(svc.get("image"))) {
            fail(s.name(), "image " + svc.get("image") + " differs from Kubernetes' " + k8sImage);
        }
        Map<String, String> env = environment(svc);
        Map<String, String> k8sEnv = k8s.environment(container);
        Set<String> onlyHere = new TreeSet<>(env.keySet());
        onlyHere.removeAll(k8sEnv.keySet());
        Set<String> onlyThere = new TreeSet<>(k8sEnv.keySet());
        onlyThere.removeAll(env.keySet());
        if (!onlyHere.isEmpty() || !onlyThere.isEmpty()) {
            fail(s.name(), "environment names differ from Kubernetes: only in compose " + onlyHere
                    + ", only in Kubernetes " + onlyThere);
        }
        for (String k : SAME_VALUE) {
            if (k8sEnv.containsKey(k) && env.containsKey(k) && !String.valueOf(k8sEnv.get(k)).equals(env.get(k))) {
                fail(s.name(), k + "=" + env.get(k) + ", Kubernetes has " + k8sEnv.get(k));
            }
        }
        connections(s.name(), env);
        health(s, svc, env);
        volumes(s.name(), svc, env);
        String published = String.valueOf(svc.get("ports"));
        if (s.name().equals("gateway") ? !List.of(s.port() + ":" + s.port()).equals(svc.get("ports"))
                : svc.containsKey("ports")) {
            fail(s.name(), "publishes ports " + published + "; only the gateway publishes, as " + s.port() + ":"
                    + s.port());
        }
        Duration grace = duration(Yamls.str(svc, "stop_grace_period"));
        if (s.worker() && grace.getSeconds() < Platform.MIN_WORKER_GRACE_SECONDS) {
            fail(s.name(), "stop_grace_period " + svc.get("stop_grace_period") + " is too short to checkpoint");
        }
        if (s.worker() && !"${PYTORCH_FLAVOR:-cpu}".equals(Yamls.str(svc, "build.args.PYTORCH_FLAVOR"))) {
            fail(s.name(), "build.args.PYTORCH_FLAVOR must default to cpu: ${PYTORCH_FLAVOR:-cpu}");
        }
    }

    private void connections(String name, Map<String, String> env) {
        String kafka = kafkaService();
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        if (kafka != null && !(kafka + ":9092").equals(bootstrap)) {
            fail(name, "KAFKA_BOOTSTRAP_SERVERS=" + bootstrap + ", expected " + kafka + ":9092");
        }
        String pg = postgresService();
        if (pg == null) {
            return;
        }
        Map<String, String> pgEnv = environment(services.get(pg));
        Matcher m = JDBC.matcher(String.valueOf(env.get("QUARKUS_DATASOURCE_JDBC_URL")));
        if (!m.matches() || !m.group(1).equals(pg) || !m.group(3).equals(pgEnv.get("POSTGRES_DB"))) {
            fail(name, "QUARKUS_DATASOURCE_JDBC_URL=" + env.get("QUARKUS_DATASOURCE_JDBC_URL")
                    + " does not name service " + pg + " and database " + pgEnv.get("POSTGRES_DB"));
        }
        if (!String.valueOf(pgEnv.get("POSTGRES_USER")).equals(env.get("QUARKUS_DATASOURCE_USERNAME"))
                || !String.valueOf(pgEnv.get("POSTGRES_PASSWORD")).equals(env.get("QUARKUS_DATASOURCE_PASSWORD"))) {
            fail(name, "database user/password differ from the postgres service's");
        }
    }

    private void health(Platform.Service s, Map<String, Object> svc, Map<String, String> env) {
        String test = String.valueOf(Yamls.get(svc, "healthcheck.test"));
        String url = "localhost:" + env.get("QUARKUS_HTTP_PORT") + Platform.READY;
        if (!test.contains(url)) {
            fail(s.name(), "healthcheck " + test + " does not probe " + url);
        }
    }

    private void volumes(String name, Map<String, Object> svc, Map<String, String> env) {
        Map<String, String> mounts = new LinkedHashMap<>();
        Set<String> declared = Yamls.map(compose, "volumes").keySet();
        for (Object v : Yamls.list(svc, "volumes")) {
            String[] parts = String.valueOf(v).split(":");
            if (parts.length < 2) {
                fail(name, "volume " + v + " is not source:target");
                continue;
            }
            mounts.put(parts[1], parts[0]);
            if (!parts[0].startsWith(".") && !parts[0].startsWith("/") && !declared.contains(parts[0])) {
                fail(name, "named volume " + parts[0] + " is not declared under volumes:");
            }
        }
        for (String k : List.of("TUNELINE_MODEL_ROOT", "TUNELINE_DATA_ROOT", "DJL_CACHE_DIR")) {
            if (env.get(k) != null && !mounts.containsKey(env.get(k))) {
                fail(name, k + "=" + env.get(k) + " is not a mounted volume");
            }
        }
    }

    private void wiring() {
        String kafka = kafkaService();
        String pg = postgresService();
        services.forEach((name, svc) -> {
            Object depends = svc.get("depends_on");
            if (depends instanceof List<?>) {
                fail(name, "depends_on must name conditions (service_healthy / service_completed_successfully)");
            }
            Yamls.map(svc, "depends_on").forEach((target, cond) -> {
                if (!services.containsKey(target)) {
                    fail(name, "depends_on unknown service " + target);
                }
            });
            boolean oneShot = "no".equals(String.valueOf(svc.get("restart")));
            if (!oneShot && Yamls.get(svc, "healthcheck.test") == null) {
                fail(name, "has no healthcheck");
            }
            if (Platform.service(name).isPresent()) {
                Map<String, Object> deps = Yamls.map(svc, "depends_on");
                if (pg != null && !"service_healthy".equals(Yamls.str(Yamls.map(deps, pg), "condition"))) {
                    fail(name, "must wait for " + pg + " to be healthy");
                }
                boolean waitsForTopics = deps.entrySet().stream().anyMatch(e ->
                        environment(services.getOrDefault(e.getKey(), Map.of())).containsKey("TOPICS")
                                && "service_completed_successfully".equals(
                                        Yamls.str(Yamls.asMap(e.getValue(), name), "condition")));
                if (kafka != null && !waitsForTopics) {
                    fail(name, "must wait for the topics to be created");
                }
            }
        });
    }

    /** A compose duration ("15m", "1m30s", "90s", "2h") in seconds. */
    static Duration duration(String text) {
        if (text == null) {
            return Duration.ofSeconds(10);
        }
        Matcher m = Pattern.compile("(\\d+)(h|ms|m|s|us)").matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("not a compose duration: " + text);
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                case "ms" -> Duration.ofMillis(n);
                default -> Duration.ofNanos(n * 1000);
            });
            end = m.end();
        }
        if (end != text.length() || end == 0) {
            throw new IllegalArgumentException("not a compose duration: " + text);
        }
        return total;
    }
}
