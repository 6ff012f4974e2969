package dev.tuneline.deploy;

import dev.tuneline.events.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What every deployment of Tuneline (Kubernetes or compose) provides to the services: names, ports, env. */
public final class Platform {

    /** One Tuneline service: its name (= Kafka consumer group), HTTP port and, for workers, the batch topic. */
    public record Service(String name, int port, String batchTopic) {

        /** Whether this is a training worker (scaled by KEDA on its batch topic, GPU in the gpu overlay). */
        public boolean worker() {
            return batchTopic != null;
        }

        /** The dead-letter topic of this service's consumers. */
        public String deadLetterTopic() {
            return "dlq-" + name;
        }

        /** The PostgreSQL schema the service owns (its Flyway and Hibernate schema): the name with '_' for '-'. */
        public String schema() {
            return name.replace('-', '_');
        }
    }

    /** A worker's table of jobs (in its schema); each row's state is one of {@link #BACKLOG_STATES} or a final one. */
    public static final String JOBS_TABLE = "training_run";

    /** Job states that each need a worker replica: waiting for one (QUEUED) or held by one (TRAINING). */
    public static final List<String> BACKLOG_STATES = List.of("QUEUED", "TRAINING");

    /** The five services. */
    public static final List<Service> SERVICES = List.of(
            new Service("gateway", 8080, null),
            new Service("dataset-service", 8081, null),
            new Service("sft-worker", 8082, Topics.SFT_BATCHES),
            new Service("reward-worker", 8083, Topics.REWARD_BATCHES),
            new Service("eval-service", 8084, null));

    /** Environment every service container gets (values from a ConfigMap, a Secret or the container). */
    public static final List<String> COMMON_ENV = List.of(
            "KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME",
            "QUARKUS_DATASOURCE_PASSWORD", "TUNELINE_MODEL_ROOT", "TUNELINE_DATA_ROOT", "DJL_CACHE_DIR",
            "DJL_OFFLINE", "OPT_OUT_TRACKING", "OMP_WAIT_POLICY", "QUARKUS_HTTP_PORT", "OMP_NUM_THREADS");

    /** Variables whose value is fixed everywhere. */
    public static final Map<String, String> FIXED_ENV = Map.of(
            "DJL_OFFLINE", "true", "OPT_OUT_TRACKING", "true", "OMP_WAIT_POLICY", "PASSIVE");

    /** The gateway's API keys variable (from a Secret). */
    public static final String GATEWAY_API_KEYS = "TUNELINE_API_KEYS";

    /** Liveness and readiness endpoints of every Quarkus service. */
    public static final String LIVE = "/q/health/live";
    /** Readiness endpoint of every Quarkus service. */
    public static final String READY = "/q/health/ready";

    /** Workers need this long between SIGTERM and SIGKILL to checkpoint a running job. */
    public static final int MIN_WORKER_GRACE_SECONDS = 600;

    private Platform() {
    }

    /** The service of that name, if it is one of the five. */
    public static Optional<Service> service(String name) {
        return SERVICES.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Env names a service's container must see. */
    public static List<String> requiredEnv(Service s) {
        if (!s.name().equals("gateway")) {
            return COMMON_ENV;
        }
        List<String> env = new java.util.ArrayList<>(COMMON_ENV);
        env.add(GATEWAY_API_KEYS);
        return env;
    }
}
