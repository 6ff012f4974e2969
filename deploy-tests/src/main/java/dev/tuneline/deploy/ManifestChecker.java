package dev.tuneline.deploy;

import dev.tuneline.events.Topics;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks a rendered overlay (a list of Kubernetes documents) against Tuneline's deployment
 * contract and returns every violation as "Kind/name: problem"; an empty list means it passes.
 * It knows which resources the operators create from the custom resources (Strimzi's bootstrap
 * Service and broker pods, CloudNativePG's Services, Secret and pods, cert-manager's TLS Secrets),
 * so references to those count as satisfied.
 */
public final class ManifestChecker {

    /** What an overlay promises beyond the common rules. */
    public record Expectations(String overlay, boolean gpuWorkers, boolean readWriteMany,
            Set<String> externalSecrets) {
    }

    /** apiVersion and allowed spec fields of each custom resource kind used. */
    private static final Map<String, String> CRD_API = Map.of(
            "Kafka", "kafka.strimzi.io/v1", "KafkaNodePool", "kafka.strimzi.io/v1",
            "KafkaTopic", "kafka.strimzi.io/v1", "Cluster", "postgresql.cnpg.io/v1",
            "ScaledObject", "keda.sh/v1alpha1", "TriggerAuthentication", "keda.sh/v1alpha1");
    private static final Map<String, Set<String>> CRD_SPEC_FIELDS = Map.of(
            "Kafka", Set.of("kafka", "entityOperator", "clusterCa", "clientsCa", "cruiseControl", "kafkaExporter",
                    "maintenanceTimeWindows"),
            "KafkaNodePool", Set.of("replicas", "roles", "storage", "resources", "jvmOptions", "template"),
            "KafkaTopic", Set.of("topicName", "partitions", "replicas", "config"),
            "Cluster", Set.of("instances", "imageName", "imageCatalogRef", "bootstrap", "storage", "walStorage",
                    "resources", "postgresql", "superuserSecret", "enableSuperuserAccess", "monitoring", "backup",
                    "affinity", "primaryUpdateStrategy", "primaryUpdateMethod", "managed", "description",
                    "inheritedMetadata", "startDelay", "stopDelay", "smartShutdownTimeout", "switchoverDelay",
                    "failoverDelay", "priorityClassName", "minSyncReplicas", "maxSyncReplicas", "replica",
                    "externalClusters", "logLevel", "certificates", "enablePDB", "tablespaces",
                    "topologySpreadConstraints", "env", "envFrom", "projectedVolumeTemplate", "plugins", "probes",
                    "imagePullPolicy", "imagePullSecrets", "postgresUID", "postgresGID"),
            "ScaledObject", Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod",
                    "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "advanced", "fallback", "triggers"),
            "TriggerAuthentication", Set.of("secretTargetRef", "configMapTargetRef", "env", "podIdentity",
                    "hashiCorpVault", "azureKeyVault", "awsSecretManager", "gcpSecretManager",
                    "boundServiceAccountToken"));
    private static final Set<String> KAFKA_CLUSTER_FIELDS = Set.of("version", "metadataVersion", "listeners",
            "config", "authorization", "rack", "image", "jvmOptions", "logging", "metricsConfig", "template",
            "quotas", "tieredStorage", "livenessProbe", "readinessProbe");
    private static final Set<String> KEDA_KAFKA_FIELDS = Set.of("bootstrapServers", "consumerGroup", "topic",
            "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers",
            "scaleToZeroOnInvalidOffset", "excludePersistentLag", "version", "partitionLimitation",
            "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions", "sasl", "tls", "unsafeSsl");
    private static final Set<String> KEDA_TRIGGER_FIELDS = Set.of("type", "name", "metadata", "authenticationRef",
            "metricType", "useCachedMetrics");
    private static final Set<String> KEDA_POSTGRESQL_FIELDS = Set.of("query", "targetQueryValue",
            "activationTargetQueryValue", "host", "port", "userName", "dbName", "sslmode", "passwordFromEnv",
            "connectionFromEnv");
    /** Parameters the postgresql scaler reads from a TriggerAuthentication. */
    private static final Set<String> KEDA_POSTGRESQL_AUTH = Set.of("connection", "host", "port", "userName", "dbName",
            "sslmode", "password");
    /** libpq's sslmode values except disable. */
    private static final Set<String> PG_SSL_MODES = Set.of("allow", "prefer", "require", "verify-ca", "verify-full");
    private static final Set<String> CNPG_APP_SECRET_KEYS = Set.of("username", "password", "dbname", "host", "port",
            "uri", "jdbc-uri", "fqdn-uri", "fqdn-jdbc-uri", "pgpass", "user");
    /** Which keys of CloudNativePG's app Secret hold each postgresql scaler parameter (its host key: a short name). */
    private static final Map<String, Set<String>> CNPG_KEY_FOR_PARAMETER = Map.of(
            "userName", Set.of("username", "user"), "password", Set.of("password"), "dbName", Set.of("dbname"), "port", Set.of("port"),
            "connection", Set.of("uri", "fqdn-uri"), "host", Set.of(), "sslmode", Set.of());
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    private static final String PART_OF = "app.kubernetes.io/part-of";
    private static final String GPU = "nvidia.com/gpu";

    private final Manifests m;
    private final Expectations ex;
    private final List<String> violations = new ArrayList<>();
    private String namespace = "";

    private ManifestChecker(List<Map<String, Object>> docs, Expectations ex) {
        this.m = new Manifests(docs);
        this.ex = ex;
    }

    /** All violations of the contract in a rendered overlay; empty when it passes. */
    public static List<String> check(List<Map<String, Object>> docs, Expectations ex) {
        ManifestChecker c = new ManifestChecker(docs, ex);
        c.kindsAndFields();
        c.identity();
        if (c.violations.isEmpty()) {
            // the semantic checks assume well-formed documents
            c.deployments();
            c.servicesAndBudgets();
            c.ingress();
            c.kafka();
            c.topics();
            c.scaledObjects();
            c.triggerAuthentications();
            c.postgres();
            c.network();
        }
        return c.violations;
    }

    private void fail(Map<String, Object> doc, String problem) {
        violations.add((doc == null ? "" : Manifests.ref(doc) + ": ") + problem);
    }

    // ---- shape -------------------------------------------------------------------------------

    private void kindsAndFields() {
        for (Map<String, Object> d : m.all()) {
            String kind = String.valueOf(d.get("kind"));
            String api = String.valueOf(d.get("apiVersion"));
            Manifests.BuiltinKind builtin = Manifests.BUILTIN.get(kind);
            if (builtin != null) {
                if (!builtin.apiVersion().equals(api)) {
                    fail(d, "apiVersion " + api + ", expected " + builtin.apiVersion());
                    continue;
                }
                try {
                    Object typed = Manifests.typed(d, builtin.type());
                    for (String field : Manifests.unknownFields(typed)) {
                        fail(d, "unknown field " + field.substring(1));
                    }
                } catch (IllegalArgumentException e) {
                    fail(d, "not a valid " + kind + ": " + e.getMessage());
                }
            } else if (CRD_API.containsKey(kind)) {
                if (!CRD_API.get(kind).equals(api)) {
                    fail(d, "apiVersion " + api + ", expected " + CRD_API.get(kind));
                }
                for (String field : Yamls.map(d, "spec").keySet()) {
                    if (!CRD_SPEC_FIELDS.get(kind).contains(field)) {
                        fail(d, "unknown field spec." + field);
                    }
                }
            } else {
                fail(d, "kind " + kind + " (" + api + ") is not one the checks know");
            }
            stringValues(d, Yamls.map(d, "metadata.labels"), "metadata.labels");
            stringValues(d, Yamls.map(d, "metadata.annotations"), "metadata.annotations");
            stringValues(d, Yamls.map(d, "spec.template.metadata.labels"), "spec.template.metadata.labels");
            stringValues(d, Yamls.map(d, "spec.template.metadata.annotations"),
                    "spec.template.metadata.annotations");
            if (kind.equals("ConfigMap")) {
                stringValues(d, Yamls.map(d, "data"), "data");
            }
            if (kind.equals("Secret")) {
                stringValues(d, Yamls.map(d, "stringData"), "stringData");
            }
            for (Map<String, Object> c : Yamls.maps(d, "spec.template.spec.containers")) {
                for (Map<String, Object> e : Yamls.maps(c, "env")) {
                    if (e.containsKey("value") && !(e.get("value") instanceof String)) {
                        fail(d, "env " + e.get("name") + " has a non-string value " + e.get("value")
                                + " (quote it)");
                    }
                }
            }
        }
    }

    private void stringValues(Map<String, Object> d, Map<String, Object> values, String where) {
        values.forEach((k, v) -> {
            if (!(v instanceof String)) {
                fail(d, where + "." + k + " is " + v + ", not a string (quote it)");
            }
        });
    }

    private void identity() {
        Set<String> ids = new LinkedHashSet<>();
        List<Map<String, Object>> namespaces = m.ofKind("Namespace");
        if (namespaces.size() != 1) {
            fail(null, "expected exactly one Namespace, found " + namespaces.size());
        } else {
            namespace = Manifests.name(namespaces.get(0));
        }
        for (Map<String, Object> d : m.all()) {
            String name = Manifests.name(d);
            if (name == null || name.length() > 253 || !DNS_NAME.matcher(name).matches()) {
                fail(d, "metadata.name '" + name + "' is not a DNS-1123 name");
            }
            if (!ids.add(Kustomizer.id(d))) {
                fail(d, "defined twice");
            }
            if (!d.get("kind").equals("Namespace") && !namespace.equals(Yamls.str(d, "metadata.namespace"))) {
                fail(d, "namespace " + Yamls.str(d, "metadata.namespace") + ", expected " + namespace);
            }
        }
    }

    // ---- workloads ---------------------------------------------------------------------------

    private void deployments() {
        Map<String, String> modelClaims = new HashMap<>();
        for (Platform.Service s : Platform.SERVICES) {
            Optional<Map<String, Object>> d = m.find("Deployment", s.name());
            if (d.isEmpty()) {
                fail(null, "Deployment/" + s.name() + " is missing");
                continue;
            }
            deployment(d.get(), s, modelClaims);
            if (m.find("Service", s.name()).isEmpty()) {
                fail(d.get(), "has no Service named " + s.name());
            }
        }
        for (Map<String, Object> d : m.ofKind("Deployment")) {
            if (Platform.service(Manifests.name(d)).isEmpty()) {
                fail(d, "is not one of the Tuneline services " + Platform.SERVICES.stream()
                        .map(Platform.Service::name).toList());
            }
        }
        if (new TreeSet<>(modelClaims.values()).size() > 1) {
            fail(null, "the services mount different model stores: " + modelClaims);
        }
    }

    private void deployment(Map<String, Object> d, Platform.Service s, Map<String, String> modelClaims) {
        Map<String, Object> podLabels = Yamls.map(d, "spec.template.metadata.labels");
        Map<String, Object> selector = Yamls.map(d, "spec.selector");
        if (Yamls.map(selector, "matchLabels").isEmpty() || !NetworkModel.matches(selector, podLabels)) {
            fail(d, "spec.selector " + selector + " does not match the pod labels " + podLabels);
        }
        if (!"tuneline".equals(podLabels.get(PART_OF))) {
            fail(d, "pod label " + PART_OF + "=tuneline is missing (network policies select it)");
        }
        Map<String, Object> pod = Yamls.map(d, "spec.template.spec");
        List<Map<String, Object>> containers = Yamls.maps(pod, "containers");
        if (containers.size() != 1 || !s.name().equals(containers.get(0).get("name"))) {
            fail(d, "expected one container named " + s.name());
            return;
        }
        Map<String, Object> c = containers.get(0);
        String where = "container " + s.name() + ": ";
        image(d, c, s, where);
        Map<String, Integer> ports = new HashMap<>();
        for (Map<String, Object> p : Yamls.maps(c, "ports")) {
            ports.put(Yamls.str(p, "name"), ((Number) p.get("containerPort")).intValue());
        }
        if (!Integer.valueOf(s.port()).equals(ports.get("http"))) {
            fail(d, where + "port 'http' is " + ports.get("http") + ", expected " + s.port());
        }
        probe(d, c, "livenessProbe", Platform.LIVE, ports, where);
        probe(d, c, "readinessProbe", Platform.READY, ports, where);
        if (c.containsKey("startupProbe")) {
            probe(d, c, "startupProbe", null, ports, where);
        }
        resources(d, c, s, where);
        Map<String, String> env = env(d, c, where);
        for (String name : Platform.requiredEnv(s)) {
            if (!env.containsKey(name)) {
                fail(d, where + "environment variable " + name + " is not set");
            }
        }
        Platform.FIXED_ENV.forEach((k, v) -> {
            if (env.containsKey(k) && !v.equals(env.get(k))) {
                fail(d, where + k + "=" + env.get(k) + ", expected " + v);
            }
        });
        if (env.containsKey("QUARKUS_HTTP_PORT") && !String.valueOf(s.port()).equals(env.get("QUARKUS_HTTP_PORT"))) {
            fail(d, where + "QUARKUS_HTTP_PORT=" + env.get("QUARKUS_HTTP_PORT") + ", expected " + s.port());
        }
        threads(d, c, env, where);
        connections(d, env, where);
        volumes(d, c, s, env, modelClaims, where);
        Object grace = pod.get("terminationGracePeriodSeconds");
        if (s.worker()) {
            if (!(grace instanceof Number n) || n.intValue() < Platform.MIN_WORKER_GRACE_SECONDS) {
                fail(d, "terminationGracePeriodSeconds " + grace + " is below "
                        + Platform.MIN_WORKER_GRACE_SECONDS + ": a worker needs time to checkpoint");
            }
            if (Yamls.get(d, "spec.replicas") != null) {
                fail(d, "spec.replicas is set, but the KEDA ScaledObject owns the replica count");
            }
        }
        gpu(d, pod, c, s, where);
    }

    private void image(Map<String, Object> d, Map<String, Object> c, Platform.Service s, String where) {
        Kustomizer.ImageRef image = Kustomizer.ImageRef.parse(String.valueOf(c.get("image")));
        if (image.tag() == null || image.tag().equals("latest")) {
            fail(d, where + "image " + c.get("image") + " needs a fixed tag");
            return;
        }
        if (!image.name().endsWith("/" + s.name())) {
            fail(d, where + "image " + c.get("image") + " is not the " + s.name() + " image");
        }
        boolean cuda = image.tag().matches(".*-cu\\d+$");
        if (cuda != (ex.gpuWorkers() && s.worker())) {
            fail(d, where + "image tag " + image.tag() + (cuda ? " is a CUDA build" : " is not a CUDA build")
                    + " in overlay " + ex.overlay());
        }
    }

    private void probe(Map<String, Object> d, Map<String, Object> c, String probe, String path,
            Map<String, Integer> ports, String where) {
        Map<String, Object> p = Yamls.map(c, probe);
        if (p.isEmpty()) {
            fail(d, where + probe + " is missing");
            return;
        }
        String actual = Yamls.str(p, "httpGet.path");
        if (actual == null || (path != null && !path.equals(actual))
                || (path == null && !actual.startsWith("/q/health"))) {
            fail(d, where + probe + " path " + actual + ", expected " + (path == null ? "/q/health/*" : path));
        }
        Object port = Yamls.get(p, "httpGet.port");
        boolean known = port instanceof Number n ? ports.containsValue(n.intValue()) : ports.containsKey(port);
        if (!known) {
            fail(d, where + probe + " port " + port + " is not a container port");
        }
    }

    private void resources(Map<String, Object> d, Map<String, Object> c, Platform.Service s, String where) {
        Map<String, Object> requests = Yamls.map(c, "resources.requests");
        Map<String, Object> limits = Yamls.map(c, "resources.limits");
        for (String r : List.of("cpu", "memory")) {
            if (!requests.containsKey(r)) {
                fail(d, where + "resources.requests." + r + " is missing");
            }
            if (!limits.containsKey(r)) {
                fail(d, where + "resources.limits." + r + " is missing");
            }
            if (requests.containsKey(r) && limits.containsKey(r)
                    && amount(requests.get(r)).compareTo(amount(limits.get(r))) > 0) {
                fail(d, where + "requests." + r + " " + requests.get(r) + " exceeds limits." + r + " "
                        + limits.get(r));
            }
        }
        boolean wantsGpu = ex.gpuWorkers() && s.worker();
        Object gpus = limits.get(GPU);
        if (wantsGpu && (gpus == null || amount(gpus).compareTo(BigDecimal.ONE) < 0)) {
            fail(d, where + "resources.limits." + GPU + " must be at least 1 in overlay " + ex.overlay());
        }
        if (!wantsGpu && (gpus != null || requests.containsKey(GPU))) {
            fail(d, where + "requests " + GPU + " but overlay " + ex.overlay() + " gives it no GPU");
        }
        if (requests.containsKey(GPU) && !String.valueOf(requests.get(GPU)).equals(String.valueOf(gpus))) {
            fail(d, where + "requests." + GPU + " must equal limits." + GPU);
        }
    }

    private static BigDecimal amount(Object quantity) {
        return Quantity.getAmountInBytes(new Quantity(String.valueOf(quantity)));
    }

    private void gpu(Map<String, Object> d, Map<String, Object> pod, Map<String, Object> c, Platform.Service s,
            String where) {
        boolean gpuSelector = Yamls.map(pod, "nodeSelector").keySet().stream().anyMatch(k -> k.startsWith(GPU))
                || Yamls.get(pod, "affinity.nodeAffinity") != null;
        boolean tolerates = Yamls.maps(pod, "tolerations").stream()
                .anyMatch(t -> GPU.equals(t.get("key")) || (t.get("key") == null && "Exists".equals(t.get("operator"))));
        if (ex.gpuWorkers() && s.worker()) {
            if (!gpuSelector) {
                fail(d, "nodeSelector does not pick GPU nodes (" + GPU + ".* label)");
            }
            if (!tolerates) {
                fail(d, "no toleration for the " + GPU + " taint of GPU nodes");
            }
        } else if (gpuSelector || tolerates) {
            fail(d, "is pinned to GPU nodes but uses no GPU");
        }
    }

    /** Checks every ConfigMap and Secret the container's environment refers to; returns the environment. */
    /** Pod fields the downward API offers as environment variables. */
    private static final Set<String> DOWNWARD_FIELDS = Set.of("metadata.name", "metadata.namespace", "metadata.uid",
            "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.podIP", "status.podIPs");

    private Map<String, String> env(Map<String, Object> d, Map<String, Object> c, String where) {
        for (Map<String, Object> from : Yamls.maps(c, "envFrom")) {
            String cm = Yamls.str(from, "configMapRef.name");
            String secret = Yamls.str(from, "secretRef.name");
            if (cm != null && m.find("ConfigMap", cm).isEmpty()) {
                fail(d, where + "envFrom ConfigMap " + cm + " does not exist");
            }
            if (secret != null) {
                secretKeys(d, secret, where + "envFrom: ");
            }
        }
        for (Map<String, Object> e : Yamls.maps(c, "env")) {
            String name = Yamls.str(e, "name");
            String cm = Yamls.str(e, "valueFrom.configMapKeyRef.name");
            String secret = Yamls.str(e, "valueFrom.secretKeyRef.name");
            if (cm != null) {
                String key = Yamls.str(e, "valueFrom.configMapKeyRef.key");
                if (m.find("ConfigMap", cm).map(x -> Yamls.map(x, "data").get(key)).isEmpty()) {
                    fail(d, where + "env " + name + ": ConfigMap " + cm + " has no key " + key);
                }
            } else if (secret != null) {
                String key = Yamls.str(e, "valueFrom.secretKeyRef.key");
                Set<String> keys = secretKeys(d, secret, where + "env " + name + ": ");
                if (keys != null && !keys.contains(key)) {
                    fail(d, where + "env " + name + ": Secret " + secret + " has no key " + key);
                }
            } else if (Yamls.str(e, "valueFrom.fieldRef.fieldPath") != null) {
                String path = Yamls.str(e, "valueFrom.fieldRef.fieldPath");
                if (!DOWNWARD_FIELDS.contains(path)) {
                    fail(d, where + "env " + name + ": fieldRef " + path + " is not a downward-API field");
                }
            } else if (!e.containsKey("value")) {
                fail(d, where + "env " + name + " has neither a value nor a supported valueFrom");
            }
        }
        return m.environment(c);
    }

    /** The keys of a Secret that exists or will exist; null when its keys are unknown (external); reports a missing one. */
    private Set<String> secretKeys(Map<String, Object> d, String name, String where) {
        Optional<Map<String, Object>> secret = m.find("Secret", name);
        if (secret.isPresent()) {
            Set<String> keys = new TreeSet<>(Yamls.map(secret.get(), "data").keySet());
            keys.addAll(Yamls.map(secret.get(), "stringData").keySet());
            return keys;
        }
        if (cnpgAppSecret(name)) {
            return CNPG_APP_SECRET_KEYS;
        }
        if (ex.externalSecrets().contains(name)) {
            return null;
        }
        fail(d, where + "Secret " + name + " does not exist (nor is it generated by an operator or declared external)");
        return null;
    }

    /** Whether the Secret is the application Secret CloudNativePG generates for a Cluster here. */
    private boolean cnpgAppSecret(String name) {
        return m.ofKind("Cluster").stream().anyMatch(c -> String.valueOf(name).equals(Manifests.name(c) + "-app"));
    }

    private void threads(Map<String, Object> d, Map<String, Object> c, Map<String, String> env, String where) {
        String threads = env.get("OMP_NUM_THREADS");
        Object cpu = Yamls.get(c, "resources.limits.cpu");
        if (threads == null || cpu == null) {
            return;
        }
        try {
            if (new BigDecimal(threads).compareTo(amount(cpu)) > 0) {
                fail(d, where + "OMP_NUM_THREADS=" + threads + " exceeds the CPU limit " + cpu);
            }
        } catch (NumberFormatException e) {
            fail(d, where + "OMP_NUM_THREADS=" + threads + " is not a number");
        }
    }

    /** KAFKA_BOOTSTRAP_SERVERS and the JDBC URL point at what the operators create. */
    private void connections(Map<String, Object> d, Map<String, String> env, String where) {
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        Set<String> expected = new TreeSet<>();
        for (Map<String, Object> k : m.ofKind("Kafka")) {
            Integer port = plainListenerPort(k);
            expected.add(Manifests.name(k) + "-kafka-bootstrap:" + port);
            expected.add(Manifests.name(k) + "-kafka-bootstrap." + namespace + ".svc:" + port);
        }
        if (bootstrap != null && !expected.contains(bootstrap)) {
            fail(d, where + "KAFKA_BOOTSTRAP_SERVERS=" + bootstrap + " is not a Kafka bootstrap Service " + expected);
        }
        String jdbc = env.get("QUARKUS_DATASOURCE_JDBC_URL");
        Set<String> urls = new TreeSet<>();
        for (Map<String, Object> cluster : m.ofKind("Cluster")) {
            String db = Yamls.str(cluster, "spec.bootstrap.initdb.database");
            urls.add("jdbc:postgresql://" + Manifests.name(cluster) + "-rw:5432/" + db);
            urls.add("jdbc:postgresql://" + Manifests.name(cluster) + "-rw." + namespace + ".svc:5432/" + db);
        }
        if (jdbc != null && !urls.contains(jdbc)) {
            fail(d, where + "QUARKUS_DATASOURCE_JDBC_URL=" + jdbc + " is not a PostgreSQL primary " + urls);
        }
        String user = env.get("QUARKUS_DATASOURCE_USERNAME");
        String password = env.get("QUARKUS_DATASOURCE_PASSWORD");
        if (user != null && password != null && user.startsWith("secret:") && password.startsWith("secret:")
                && !user.substring(0, user.lastIndexOf('/')).equals(password.substring(0, password.lastIndexOf('/')))) {
            fail(d, where + "database user and password come from different Secrets");
        }
    }

    private void volumes(Map<String, Object> d, Map<String, Object> c, Platform.Service s, Map<String, String> env,
            Map<String, String> modelClaims, String where) {
        Map<String, Map<String, Object>> volumes = new HashMap<>();
        for (Map<String, Object> v : Yamls.maps(d, "spec.template.spec.volumes")) {
            volumes.put(Yamls.str(v, "name"), v);
            String claim = Yamls.str(v, "persistentVolumeClaim.claimName");
            if (claim != null && m.find("PersistentVolumeClaim", claim).isEmpty()) {
                fail(d, "volume " + v.get("name") + ": PersistentVolumeClaim " + claim + " does not exist");
            }
            String cm = Yamls.str(v, "configMap.name");
            if (cm != null && m.find("ConfigMap", cm).isEmpty()) {
                fail(d, "volume " + v.get("name") + ": ConfigMap " + cm + " does not exist");
            }
            String secret = Yamls.str(v, "secret.secretName");
            if (secret != null) {
                secretKeys(d, secret, "volume " + v.get("name") + ": ");
            }
        }
        Map<String, Map<String, Object>> mounts = new HashMap<>();
        for (Map<String, Object> mount : Yamls.maps(c, "volumeMounts")) {
            mounts.put(Yamls.str(mount, "mountPath"), mount);
            if (!volumes.containsKey(Yamls.str(mount, "name"))) {
                fail(d, where + "volumeMount " + mount.get("name") + " has no volume");
            }
        }
        record Root(String variable, boolean writable) {
        }
        for (Root root : List.of(new Root("TUNELINE_MODEL_ROOT", s.worker()), new Root("TUNELINE_DATA_ROOT", false),
                new Root("DJL_CACHE_DIR", true))) {
            String path = env.get(root.variable());
            if (path == null) {
                continue;
            }
            Map<String, Object> mount = mounts.get(path);
            Map<String, Object> volume = mount == null ? null : volumes.get(Yamls.str(mount, "name"));
            String claim = volume == null ? null : Yamls.str(volume, "persistentVolumeClaim.claimName");
            if (claim == null) {
                fail(d, where + root.variable() + "=" + path + " is not the mount path of a PersistentVolumeClaim");
                continue;
            }
            if (root.writable() && Boolean.TRUE.equals(mount.get("readOnly"))) {
                fail(d, where + root.variable() + " is mounted read-only but " + s.name() + " writes there");
            }
            if (root.variable().equals("TUNELINE_MODEL_ROOT")) {
                modelClaims.put(s.name(), claim);
            }
            m.find("PersistentVolumeClaim", claim).ifPresent(pvc -> {
                List<Object> modes = Yamls.list(pvc, "spec.accessModes");
                if (ex.readWriteMany() && !modes.contains("ReadWriteMany")) {
                    fail(pvc, "is shared by pods on several nodes (" + root.variable()
                            + ") but not ReadWriteMany: " + modes);
                }
            });
        }
    }

    private void servicesAndBudgets() {
        List<Map<String, Object>> deployments = m.ofKind("Deployment");
        for (Map<String, Object> svc : m.ofKind("Service")) {
            String type = Yamls.str(svc, "spec.type");
            if (type != null && !type.equals("ClusterIP")) {
                fail(svc, "type " + type + " exposes it outside the cluster; only the Ingress does that");
            }
            Map<String, Object> selector = Map.of("matchLabels", Yamls.map(svc, "spec.selector"));
            List<Map<String, Object>> targets = deployments.stream()
                    .filter(dep -> !Yamls.map(svc, "spec.selector").isEmpty()
                            && NetworkModel.matches(selector, Yamls.map(dep, "spec.template.metadata.labels")))
                    .toList();
            if (targets.isEmpty()) {
                fail(svc, "selector " + Yamls.map(svc, "spec.selector") + " matches no Deployment's pods");
            }
            for (Map<String, Object> port : Yamls.maps(svc, "spec.ports")) {
                Object target = port.get("targetPort") == null ? port.get("port") : port.get("targetPort");
                for (Map<String, Object> dep : targets) {
                    boolean found = Yamls.maps(dep, "spec.template.spec.containers").stream()
                            .flatMap(c -> Yamls.maps(c, "ports").stream())
                            .anyMatch(p -> target instanceof Number n
                                    ? n.intValue() == ((Number) p.get("containerPort")).intValue()
                                    : String.valueOf(target).equals(p.get("name")));
                    if (!found) {
                        fail(svc, "targetPort " + target + " is not a port of " + Manifests.ref(dep));
                    }
                }
            }
        }
        for (Map<String, Object> pdb : m.ofKind("PodDisruptionBudget")) {
            Map<String, Object> selector = Yamls.map(pdb, "spec.selector");
            if (deployments.stream().noneMatch(dep -> NetworkModel.matches(selector,
                    Yamls.map(dep, "spec.template.metadata.labels")))) {
                fail(pdb, "selector matches no Deployment's pods");
            }
        }
    }

    private void ingress() {
        List<Map<String, Object>> ingresses = m.ofKind("Ingress");
        if (ingresses.isEmpty()) {
            fail(null, "no Ingress for the gateway");
        }
        for (Map<String, Object> ing : ingresses) {
            if (Yamls.str(ing, "spec.ingressClassName") == null) {
                fail(ing, "spec.ingressClassName is not set");
            }
            List<Map<String, Object>> backends = new ArrayList<>();
            for (Map<String, Object> rule : Yamls.maps(ing, "spec.rules")) {
                for (Map<String, Object> path : Yamls.maps(rule, "http.paths")) {
                    backends.add(Yamls.map(path, "backend.service"));
                }
            }
            if (Yamls.get(ing, "spec.defaultBackend") != null) {
                backends.add(Yamls.map(ing, "spec.defaultBackend.service"));
            }
            for (Map<String, Object> b : backends) {
                String name = Yamls.str(b, "name");
                if (!"gateway".equals(name)) {
                    fail(ing, "routes to Service " + name + "; only the gateway is exposed");
                }
                Optional<Map<String, Object>> svc = m.find("Service", String.valueOf(name));
                if (svc.isEmpty()) {
                    fail(ing, "backend Service " + name + " does not exist");
                    continue;
                }
                String portName = Yamls.str(b, "port.name");
                Object portNumber = Yamls.get(b, "port.number");
                boolean found = Yamls.maps(svc.get(), "spec.ports").stream().anyMatch(p -> portName != null
                        ? portName.equals(p.get("name")) : String.valueOf(portNumber).equals(String.valueOf(p.get("port"))));
                if (!found) {
                    fail(ing, "backend port " + (portName != null ? portName : portNumber) + " is not a port of "
                            + Manifests.ref(svc.get()));
                }
            }
            boolean certManager = Yamls.map(ing, "metadata.annotations").keySet().stream()
                    .anyMatch(k -> k.equals("cert-manager.io/cluster-issuer") || k.equals("cert-manager.io/issuer"));
            for (Map<String, Object> tls : Yamls.maps(ing, "spec.tls")) {
                String secret = Yamls.str(tls, "secretName");
                if (secret != null && !certManager) {
                    secretKeys(ing, secret, "tls: ");
                }
            }
        }
    }

    // ---- Kafka, KEDA, PostgreSQL -------------------------------------------------------------

    private Integer plainListenerPort(Map<String, Object> kafka) {
        for (Map<String, Object> l : Yamls.maps(kafka, "spec.kafka.listeners")) {
            if ("internal".equals(l.get("type")) && Boolean.FALSE.equals(l.get("tls"))) {
                return ((Number) l.get("port")).intValue();
            }
        }
        return null;
    }

    private int brokers(String kafka) {
        int brokers = 0;
        for (Map<String, Object> pool : m.ofKind("KafkaNodePool")) {
            if (kafka.equals(Yamls.map(pool, "metadata.labels").get("strimzi.io/cluster"))
                    && Yamls.list(pool, "spec.roles").contains("broker")) {
                brokers += ((Number) Yamls.get(pool, "spec.replicas")).intValue();
            }
        }
        return brokers;
    }

    private void kafka() {
        List<Map<String, Object>> clusters = m.ofKind("Kafka");
        if (clusters.size() != 1) {
            fail(null, "expected one Strimzi Kafka, found " + clusters.size());
            return;
        }
        Map<String, Object> k = clusters.get(0);
        String name = Manifests.name(k);
        for (String field : Yamls.map(k, "spec.kafka").keySet()) {
            if (!KAFKA_CLUSTER_FIELDS.contains(field)) {
                fail(k, "unknown field spec.kafka." + field + " (replicas and storage belong to KafkaNodePools)");
            }
        }
        if (Yamls.str(k, "spec.kafka.version") == null || Yamls.str(k, "spec.kafka.metadataVersion") == null) {
            fail(k, "spec.kafka.version and metadataVersion must be pinned");
        }
        if (plainListenerPort(k) == null) {
            fail(k, "no internal plain listener for the services");
        }
        Set<Object> roles = new LinkedHashSet<>();
        for (Map<String, Object> pool : m.ofKind("KafkaNodePool")) {
            if (!name.equals(Yamls.map(pool, "metadata.labels").get("strimzi.io/cluster"))) {
                fail(pool, "label strimzi.io/cluster does not name the Kafka " + name);
            }
            if (Yamls.get(pool, "spec.storage.type") == null) {
                fail(pool, "spec.storage is missing");
            }
            roles.addAll(Yamls.list(pool, "spec.roles"));
        }
        if (!roles.containsAll(List.of("controller", "broker"))) {
            fail(k, "KRaft needs node pools with the controller and broker roles, found " + roles);
        }
        int brokers = brokers(name);
        Map<String, Object> config = Yamls.map(k, "spec.kafka.config");
        for (String key : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "default.replication.factor", "min.insync.replicas", "transaction.state.log.min.isr")) {
            Object v = config.get(key);
            if (v instanceof Number n && n.intValue() > brokers) {
                fail(k, "config " + key + "=" + v + " exceeds the " + brokers + " broker(s)");
            }
        }
        if (Yamls.get(k, "spec.entityOperator.topicOperator") == null) {
            fail(k, "the topic operator is off: the KafkaTopics would not be created");
        }
    }

    private Map<String, Map<String, Object>> topicsByName() {
        Map<String, Map<String, Object>> topics = new LinkedHashMap<>();
        for (Map<String, Object> t : m.ofKind("KafkaTopic")) {
            String name = Yamls.str(t, "spec.topicName") != null ? Yamls.str(t, "spec.topicName") : Manifests.name(t);
            topics.put(name, t);
        }
        return topics;
    }

    private void topics() {
        Map<String, Map<String, Object>> topics = topicsByName();
        Set<String> missing = new TreeSet<>(Topics.ALL);
        missing.removeAll(topics.keySet());
        Set<String> extra = new TreeSet<>(topics.keySet());
        Topics.ALL.forEach(extra::remove);
        if (!missing.isEmpty()) {
            fail(null, "KafkaTopics missing for dev.tuneline.events.Topics constants " + missing);
        }
        if (!extra.isEmpty()) {
            fail(null, "KafkaTopics " + extra + " are not constants of dev.tuneline.events.Topics");
        }
        for (Platform.Service s : Platform.SERVICES) {
            if (!topics.containsKey(s.deadLetterTopic())) {
                fail(null, "no dead-letter topic " + s.deadLetterTopic() + " for consumer " + s.name());
            }
        }
        Map<String, Object> kafka = m.ofKind("Kafka").isEmpty() ? Map.of() : m.ofKind("Kafka").get(0);
        String cluster = Manifests.name(kafka);
        int brokers = cluster == null ? 0 : brokers(cluster);
        Object minIsr = Yamls.map(kafka, "spec.kafka.config").get("min.insync.replicas");
        topics.values().forEach(t -> {
            if (!String.valueOf(cluster).equals(Yamls.map(t, "metadata.labels").get("strimzi.io/cluster"))) {
                fail(t, "label strimzi.io/cluster does not name the Kafka " + cluster);
            }
            Object partitions = Yamls.get(t, "spec.partitions");
            Object replicas = Yamls.get(t, "spec.replicas");
            if (!(partitions instanceof Number p) || p.intValue() < 1) {
                fail(t, "spec.partitions " + partitions + " must be a positive number");
            }
            if (!(replicas instanceof Number r) || r.intValue() < 1 || r.intValue() > brokers) {
                fail(t, "spec.replicas " + replicas + " must be between 1 and the " + brokers + " broker(s)");
            } else {
                Object isr = Yamls.map(t, "spec.config").getOrDefault("min.insync.replicas", minIsr);
                if (isr instanceof Number n && n.intValue() > r.intValue()) {
                    fail(t, "min.insync.replicas " + isr + " exceeds its " + r + " replica(s): writes would fail");
                }
            }
        });
    }

    private void scaledObjects() {
        Map<String, Map<String, Object>> topics = topicsByName();
        for (Map<String, Object> so : m.ofKind("ScaledObject")) {
            String target = Yamls.str(so, "spec.scaleTargetRef.name");
            String kind = Yamls.str(so, "spec.scaleTargetRef.kind");
            if ((kind != null && !kind.equals("Deployment")) || target == null
                    || m.find("Deployment", target).isEmpty()) {
                fail(so, "scaleTargetRef " + kind + "/" + target + " is not a Deployment here");
            }
        }
        Map<String, Object> kafka = m.ofKind("Kafka").isEmpty() ? Map.of() : m.ofKind("Kafka").get(0);
        String bootstrap = Manifests.name(kafka) + "-kafka-bootstrap." + namespace + ".svc:"
                + (kafka.isEmpty() ? null : plainListenerPort(kafka));
        for (Platform.Service s : Platform.SERVICES) {
            List<Map<String, Object>> scalers = m.ofKind("ScaledObject").stream()
                    .filter(so -> s.name().equals(Yamls.str(so, "spec.scaleTargetRef.name"))).toList();
            if (!s.worker()) {
                if (!scalers.isEmpty()) {
                    fail(scalers.get(0), "scales " + s.name() + ", which is not a batch worker");
                }
                continue;
            }
            if (scalers.size() != 1) {
                fail(null, "expected one ScaledObject for " + s.name() + ", found " + scalers.size());
                continue;
            }
            Map<String, Object> so = scalers.get(0);
            triggers(so, s, bootstrap);
            Object min = Yamls.get(so, "spec.minReplicaCount");
            Object max = Yamls.get(so, "spec.maxReplicaCount");
            Map<String, Object> topic = topics.get(s.batchTopic());
            if (!(min instanceof Number lo) || !(max instanceof Number hi) || lo.intValue() < 0
                    || lo.intValue() > hi.intValue()) {
                fail(so, "minReplicaCount " + min + " / maxReplicaCount " + max + " must be set with 0 <= min <= max");
            } else if (topic != null && Yamls.get(topic, "spec.partitions") instanceof Number p
                    && hi.intValue() > p.intValue()) {
                fail(so, "maxReplicaCount " + hi + " exceeds the " + p + " partitions of " + s.batchTopic()
                        + ": extra consumers would sit idle");
            }
        }
    }

    /**
     * A worker's triggers: one kafka trigger on its group's lag (batches not yet spooled) and one postgresql
     * trigger counting its jobs in the database (batches are acknowledged at once, so a job waiting QUEUED
     * behind a training one shows no lag).
     */
    private void triggers(Map<String, Object> so, Platform.Service s, String bootstrap) {
        List<Map<String, Object>> kafka = new ArrayList<>();
        List<Map<String, Object>> postgresql = new ArrayList<>();
        for (Map<String, Object> t : Yamls.maps(so, "spec.triggers")) {
            for (String field : t.keySet()) {
                if (!KEDA_TRIGGER_FIELDS.contains(field)) {
                    fail(so, "unknown trigger field " + field);
                }
            }
            String type = String.valueOf(t.get("type"));
            switch (type) {
                case "kafka" -> kafka.add(t);
                case "postgresql" -> postgresql.add(t);
                default -> fail(so, "trigger type " + type + " is not one the checks know");
            }
            Object metricType = t.get("metricType");
            if (metricType != null && !"AverageValue".equals(metricType)) {
                fail(so, type + " trigger: metricType " + metricType + "; the targets are per replica (AverageValue)");
            }
        }
        if (kafka.size() != 1) {
            fail(so, "expected exactly one trigger of type kafka (consumer lag), found " + kafka.size());
        } else {
            lagTrigger(so, s, Yamls.map(kafka.get(0), "metadata"), bootstrap);
        }
        if (postgresql.size() != 1) {
            fail(so, "expected exactly one trigger of type postgresql (the " + String.join("/", Platform.BACKLOG_STATES)
                    + " jobs in " + s.schema() + "." + Platform.JOBS_TABLE + "), found " + postgresql.size());
        } else {
            backlogTrigger(so, s, postgresql.get(0));
        }
    }

    private void lagTrigger(Map<String, Object> so, Platform.Service s, Map<String, Object> meta, String bootstrap) {
        stringFields(so, "kafka", meta, KEDA_KAFKA_FIELDS);
        if (!s.name().equals(meta.get("consumerGroup"))) {
            fail(so, "consumerGroup " + meta.get("consumerGroup") + ", expected the service's group " + s.name());
        }
        if (!s.batchTopic().equals(meta.get("topic"))) {
            fail(so, "topic " + meta.get("topic") + ", expected " + s.batchTopic());
        }
        if (!bootstrap.equals(meta.get("bootstrapServers"))) {
            fail(so, "bootstrapServers " + meta.get("bootstrapServers") + ", expected " + bootstrap
                    + " (KEDA's operator runs in another namespace)");
        }
        if ("true".equals(meta.get("allowIdleConsumers"))) {
            fail(so, "allowIdleConsumers would scale past the partitions");
        }
        try {
            if (Integer.parseInt(String.valueOf(meta.get("lagThreshold"))) < 1) {
                fail(so, "lagThreshold must be positive");
            }
        } catch (NumberFormatException e) {
            fail(so, "lagThreshold " + meta.get("lagThreshold") + " is not a number");
        }
    }

    /** Reports trigger metadata fields that are not in the scaler's allow-list or not strings. */
    private void stringFields(Map<String, Object> so, String type, Map<String, Object> meta, Set<String> known) {
        meta.forEach((k, v) -> {
            if (!known.contains(k)) {
                fail(so, "unknown " + type + " trigger field " + k
                        + (k.equals("password") || k.equals("connection")
                                ? " (credentials belong in a TriggerAuthentication)" : ""));
            }
            if (!(v instanceof String)) {
                fail(so, type + " trigger field " + k + " must be a string, is " + v);
            }
        });
    }

    /**
     * The postgresql trigger: its query counts the backlog states in the worker's own schema, one replica per
     * job, and it reaches the primary with the database's owner, its password coming from a Secret.
     */
    private void backlogTrigger(Map<String, Object> so, Platform.Service s, Map<String, Object> trigger) {
        String where = "postgresql trigger: ";
        Map<String, Object> meta = Yamls.map(trigger, "metadata");
        stringFields(so, "postgresql", meta, KEDA_POSTGRESQL_FIELDS);
        String query = Yamls.str(meta, "query");
        if (query == null) {
            fail(so, where + "no query");
        } else {
            String table = s.schema() + "." + Platform.JOBS_TABLE;
            if (!Pattern.compile("(?i)(?<![\\w.])" + Pattern.quote(table) + "(?!\\w)").matcher(query).find()) {
                fail(so, where + "query does not read " + table + " (" + s.name() + "'s schema): " + query);
            }
            for (Platform.Service other : Platform.SERVICES) {
                if (other != s && query.toLowerCase(java.util.Locale.ROOT).contains(other.schema() + ".")) {
                    fail(so, where + "query reads " + other.schema() + ", the schema of " + other.name());
                }
            }
            for (String state : Platform.BACKLOG_STATES) {
                if (!query.contains("'" + state + "'")) {
                    fail(so, where + "query does not count state '" + state + "' (each such job needs a replica)");
                }
            }
        }
        if (!"1".equals(meta.get("targetQueryValue"))) {
            fail(so, where + "targetQueryValue " + meta.get("targetQueryValue")
                    + ", expected \"1\": a replica trains one job at a time");
        }
        // parameter -> where it comes from: the literal value, or "secret:NAME/KEY" from the TriggerAuthentication
        Map<String, String> params = new HashMap<>();
        meta.forEach((k, v) -> {
            if (KEDA_POSTGRESQL_FIELDS.contains(k)) {
                params.put(k, String.valueOf(v));
            }
        });
        String auth = Yamls.str(trigger, "authenticationRef.name");
        String authKind = Yamls.str(trigger, "authenticationRef.kind");
        if (authKind != null && !authKind.equals("TriggerAuthentication")) {
            fail(so, where + "authenticationRef kind " + authKind + " is not one the checks know");
        } else if (auth != null && m.find("TriggerAuthentication", auth).isEmpty()) {
            fail(so, where + "authenticationRef names TriggerAuthentication " + auth + ", which does not exist");
        } else if (auth != null) {
            Map<String, Object> ta = m.find("TriggerAuthentication", auth).get();
            for (Map<String, Object> ref : Yamls.maps(ta, "spec.secretTargetRef")) {
                String param = Yamls.str(ref, "parameter");
                String secret = Yamls.str(ref, "name");
                String key = Yamls.str(ref, "key");
                if (!KEDA_POSTGRESQL_AUTH.contains(param)) {
                    fail(so, where + "TriggerAuthentication " + auth + " sets " + param
                            + ", which the postgresql scaler does not read");
                    continue;
                }
                params.put(param, "secret:" + secret + "/" + key);
                Set<String> meant = CNPG_KEY_FOR_PARAMETER.get(param);
                if (cnpgAppSecret(secret) && !meant.contains(key)) {
                    fail(so, where + "TriggerAuthentication " + auth + " sets " + param + " from key " + key
                            + " of Secret " + secret + (param.equals("host")
                            ? ": CloudNativePG writes the short Service name there, which KEDA's operator"
                                    + " (another namespace) cannot resolve; set host in the metadata"
                            : ", expected " + new TreeSet<>(meant)));
                }
            }
        }
        Optional<Map<String, Object>> container = m.container(s.name());
        Map<String, String> env = container.map(m::environment).orElse(Map.of());
        for (String fromEnv : List.of("passwordFromEnv", "connectionFromEnv")) {
            String variable = Yamls.str(meta, fromEnv);
            if (variable != null && !env.containsKey(variable)) {
                fail(so, where + fromEnv + " " + variable + " is not set in " + s.name() + "'s container");
            }
        }
        if (params.containsKey("connection") || params.containsKey("connectionFromEnv")) {
            return;
        }
        for (String p : List.of("host", "port", "dbName", "userName", "sslmode")) {
            if (!params.containsKey(p)) {
                fail(so, where + "no " + p + " (in the metadata or a TriggerAuthentication)");
            }
        }
        if (!params.containsKey("password") && !params.containsKey("passwordFromEnv")) {
            fail(so, where + "no password (a TriggerAuthentication secretTargetRef or passwordFromEnv)");
        }
        for (Map<String, Object> cluster : m.ofKind("Cluster")) {
            String name = Manifests.name(cluster);
            String primary = name + "-rw." + namespace + ".svc";
            Set<String> hosts = Set.of(primary, primary + ".cluster.local");
            literal(so, params, "host", hosts, " (the primary's Service; KEDA's operator runs in another namespace)");
            literal(so, params, "port", Set.of("5432"), "");
            literal(so, params, "dbName", Set.of(String.valueOf(Yamls.str(cluster, "spec.bootstrap.initdb.database"))),
                    "");
            literal(so, params, "userName", Set.of(String.valueOf(Yamls.str(cluster, "spec.bootstrap.initdb.owner"))),
                    " (the owner of the worker schemas)");
        }
        literal(so, params, "sslmode", PG_SSL_MODES, " (the password crosses namespaces)");
    }

    /** A literal (non-Secret) trigger parameter must be one of {@code allowed}. */
    private void literal(Map<String, Object> so, Map<String, String> params, String param, Set<String> allowed,
            String why) {
        String v = params.get(param);
        if (v != null && !v.startsWith("secret:") && !allowed.contains(v)) {
            fail(so, "postgresql trigger: " + param + " " + v + ", expected one of " + new TreeSet<>(allowed) + why);
        }
    }

    /** Every Secret and ConfigMap key a TriggerAuthentication reads exists (or will: CloudNativePG's Secret). */
    private void triggerAuthentications() {
        for (Map<String, Object> ta : m.ofKind("TriggerAuthentication")) {
            for (Map<String, Object> ref : Yamls.maps(ta, "spec.secretTargetRef")) {
                String param = Yamls.str(ref, "parameter");
                String secret = Yamls.str(ref, "name");
                String key = Yamls.str(ref, "key");
                if (param == null || secret == null || key == null) {
                    fail(ta, "secretTargetRef " + ref + " needs parameter, name and key");
                    continue;
                }
                Set<String> keys = secretKeys(ta, secret, "secretTargetRef " + param + ": ");
                if (keys != null && !keys.contains(key)) {
                    fail(ta, "secretTargetRef " + param + ": Secret " + secret + " has no key " + key);
                }
            }
            for (Map<String, Object> ref : Yamls.maps(ta, "spec.configMapTargetRef")) {
                String cm = Yamls.str(ref, "name");
                String key = Yamls.str(ref, "key");
                if (m.find("ConfigMap", String.valueOf(cm)).map(x -> Yamls.map(x, "data").get(key)).isEmpty()) {
                    fail(ta, "configMapTargetRef " + ref.get("parameter") + ": ConfigMap " + cm + " has no key " + key);
                }
            }
        }
    }

    private void postgres() {
        List<Map<String, Object>> clusters = m.ofKind("Cluster");
        if (clusters.size() != 1) {
            fail(null, "expected one CloudNativePG Cluster, found " + clusters.size());
            return;
        }
        Map<String, Object> c = clusters.get(0);
        if (!(Yamls.get(c, "spec.instances") instanceof Number n) || n.intValue() < 1) {
            fail(c, "spec.instances must be at least 1");
        }
        if (!"tuneline".equals(Yamls.str(c, "spec.bootstrap.initdb.database"))
                || !"tuneline".equals(Yamls.str(c, "spec.bootstrap.initdb.owner"))) {
            fail(c, "bootstrap.initdb must create database tuneline owned by tuneline");
        }
        if (Yamls.str(c, "spec.storage.size") == null) {
            fail(c, "spec.storage.size is missing");
        }
    }

    // ---- network -----------------------------------------------------------------------------

    private void network() {
        NetworkModel net = new NetworkModel();
        m.ofKind("Namespace").forEach(ns -> net.namespace(Manifests.name(ns), Yamls.map(ns, "metadata.labels")));
        m.ofKind("NetworkPolicy").forEach(net::addPolicy);
        List<NetworkModel.Pod> pods = new ArrayList<>();
        for (Map<String, Object> d : m.ofKind("Deployment")) {
            Map<String, Integer> named = new HashMap<>();
            for (Map<String, Object> c : Yamls.maps(d, "spec.template.spec.containers")) {
                for (Map<String, Object> p : Yamls.maps(c, "ports")) {
                    named.put(Yamls.str(p, "name"), ((Number) p.get("containerPort")).intValue());
                }
            }
            pods.add(new NetworkModel.Pod(Manifests.name(d), namespace,
                    Yamls.map(d, "spec.template.metadata.labels"), named, false));
        }
        List<NetworkModel.Pod> brokers = new ArrayList<>();
        Integer kafkaPort = null;
        for (Map<String, Object> k : m.ofKind("Kafka")) {
            String name = Manifests.name(k);
            kafkaPort = plainListenerPort(k);
            for (Map<String, Object> pool : m.ofKind("KafkaNodePool")) {
                brokers.add(new NetworkModel.Pod(name + "-" + Manifests.name(pool), namespace, Map.of(
                        "strimzi.io/cluster", name, "strimzi.io/kind", "Kafka", "strimzi.io/name", name + "-kafka",
                        "strimzi.io/pool-name", Manifests.name(pool)), Map.of(), false));
            }
            for (Map<String, Object> l : Yamls.maps(k, "spec.kafka.listeners")) {
                net.addListenerPolicy(name + "-network-policy-kafka/" + l.get("name"), namespace,
                        Map.of("matchLabels", Map.of("strimzi.io/cluster", name, "strimzi.io/kind", "Kafka")),
                        ((Number) l.get("port")).intValue(), Yamls.maps(l, "networkPolicyPeers"));
            }
        }
        List<NetworkModel.Pod> databases = new ArrayList<>();
        for (Map<String, Object> c : m.ofKind("Cluster")) {
            databases.add(new NetworkModel.Pod(Manifests.name(c) + "-1", namespace,
                    Map.of("cnpg.io/cluster", Manifests.name(c), "cnpg.io/podRole", "instance"),
                    Map.of("postgresql", 5432, "metrics", 9187, "status", 8000), false));
        }
        // labels of KEDA's Helm chart: the operator (it runs the scalers) and another KEDA pod
        NetworkModel.Pod keda = new NetworkModel.Pod("keda-operator", "keda", Map.of("app", "keda-operator",
                "name", "keda-operator", "app.kubernetes.io/name", "keda-operator"), Map.of(), false);
        NetworkModel.Pod kedaWebhooks = new NetworkModel.Pod("keda-admission-webhooks", "keda", Map.of(
                "app", "keda-admission-webhooks", "name", "keda-admission-webhooks",
                "app.kubernetes.io/name", "keda-admission-webhooks"), Map.of(), false);
        NetworkModel.Pod cnpgOperator = new NetworkModel.Pod("cnpg-operator", "cnpg-system",
                Map.of("app.kubernetes.io/name", "cloudnative-pg"), Map.of(), false);
        NetworkModel.Pod dns = new NetworkModel.Pod("coredns", "kube-system", Map.of("k8s-app", "kube-dns"),
                Map.of("dns", 53), false);
        NetworkModel.Pod outside = new NetworkModel.Pod("a client outside the cluster", "elsewhere", Map.of(),
                Map.of(), true);
        NetworkModel.Pod otherNamespace = new NetworkModel.Pod("a pod of another namespace", "other",
                Map.of("app", "other"), Map.of(), false);

        for (Map<String, Object> policy : m.ofKind("NetworkPolicy")) {
            List<NetworkModel.Pod> all = new ArrayList<>(pods);
            all.addAll(brokers);
            all.addAll(databases);
            if (!net.selectsAny(Yamls.map(policy, "spec.podSelector"), namespace, all)) {
                fail(policy, "podSelector selects no pod");
            }
        }
        for (NetworkModel.Pod pod : pods) {
            String name = "Deployment/" + pod.name() + ": ";
            if (!net.isolated(pod, true) || !net.isolated(pod, false)) {
                violations.add(name + "pods are not isolated by a NetworkPolicy for both ingress and egress");
            }
            int port = pod.namedPorts().getOrDefault("http", -1);
            boolean gateway = pod.name().equals("gateway");
            for (NetworkModel.Pod stranger : List.of(outside, otherNamespace)) {
                if (net.allowed(stranger, pod, port, "TCP") != gateway) {
                    violations.add(name + (gateway ? "is not reachable from " : "is reachable from ")
                            + stranger.name() + " (only the gateway may be)");
                }
            }
            if (net.allowed(pod, outside, 443, "TCP")) {
                violations.add(name + "may open connections outside the cluster (DJL must stay offline)");
            }
            if (!net.allowed(pod, dns, 53, "UDP")) {
                violations.add(name + "cannot reach cluster DNS");
            }
            for (NetworkModel.Pod broker : brokers) {
                if (kafkaPort == null || !net.allowed(pod, broker, kafkaPort, "TCP")) {
                    violations.add(name + "cannot reach Kafka broker " + broker.name() + " on " + kafkaPort);
                }
            }
            for (NetworkModel.Pod db : databases) {
                if (!net.allowed(pod, db, 5432, "TCP")) {
                    violations.add(name + "cannot reach PostgreSQL " + db.name() + " on 5432");
                }
            }
        }
        for (NetworkModel.Pod broker : brokers) {
            if (kafkaPort == null || !net.allowed(keda, broker, kafkaPort, "TCP")) {
                violations.add("Kafka: KEDA's operator cannot read consumer lag from " + broker.name());
            }
            if (kafkaPort != null && net.allowed(otherNamespace, broker, kafkaPort, "TCP")) {
                violations.add("Kafka: " + broker.name() + " is reachable from " + otherNamespace.name());
            }
        }
        boolean backlogTriggers = m.ofKind("ScaledObject").stream().flatMap(so -> Yamls.maps(so, "spec.triggers")
                .stream()).anyMatch(t -> "postgresql".equals(t.get("type")));
        for (NetworkModel.Pod db : databases) {
            if (!net.allowed(cnpgOperator, db, 8000, "TCP") || !net.allowed(db, db, 5432, "TCP")) {
                violations.add("PostgreSQL: the CloudNativePG operator or the replicas cannot reach " + db.name());
            }
            if (net.allowed(otherNamespace, db, 5432, "TCP")) {
                violations.add("PostgreSQL: " + db.name() + " is reachable from " + otherNamespace.name());
            }
            if (backlogTriggers && !net.allowed(keda, db, 5432, "TCP")) {
                violations.add("PostgreSQL: KEDA's operator cannot count the workers' jobs on " + db.name()
                        + " (postgresql triggers)");
            }
            if (net.allowed(kedaWebhooks, db, 5432, "TCP")) {
                violations.add("PostgreSQL: " + db.name() + " is reachable from " + kedaWebhooks.name()
                        + " (of KEDA, only the operator queries it)");
            }
        }
    }
}
