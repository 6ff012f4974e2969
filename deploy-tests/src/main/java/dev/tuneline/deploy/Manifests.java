package dev.tuneline.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A rendered set of Kubernetes resources: lookup by kind and name, typed fabric8 views of built-in kinds. */
public final class Manifests {

    /** A built-in kind: the only apiVersion accepted for it and its fabric8 model class. */
    public record BuiltinKind(String apiVersion, Class<?> type) {
    }

    /** Built-in kinds Tuneline's manifests may use. */
    public static final Map<String, BuiltinKind> BUILTIN = Map.ofEntries(
            Map.entry("Namespace", new BuiltinKind("v1", Namespace.class)),
            Map.entry("ConfigMap", new BuiltinKind("v1", ConfigMap.class)),
            Map.entry("Secret", new BuiltinKind("v1", Secret.class)),
            Map.entry("Service", new BuiltinKind("v1", Service.class)),
            Map.entry("ServiceAccount", new BuiltinKind("v1", ServiceAccount.class)),
            Map.entry("PersistentVolumeClaim", new BuiltinKind("v1", PersistentVolumeClaim.class)),
            Map.entry("Deployment", new BuiltinKind("apps/v1", Deployment.class)),
            Map.entry("StatefulSet", new BuiltinKind("apps/v1", StatefulSet.class)),
            Map.entry("Ingress", new BuiltinKind("networking.k8s.io/v1", Ingress.class)),
            Map.entry("NetworkPolicy", new BuiltinKind("networking.k8s.io/v1", NetworkPolicy.class)),
            Map.entry("PodDisruptionBudget", new BuiltinKind("policy/v1", PodDisruptionBudget.class)));

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<Map<String, Object>> docs;

    /** Wraps rendered documents (not copied). */
    public Manifests(List<Map<String, Object>> docs) {
        this.docs = docs;
    }

    /** Every document. */
    public List<Map<String, Object>> all() {
        return docs;
    }

    /** The documents of one kind, in order. */
    public List<Map<String, Object>> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    /** The document of that kind and name. */
    public Optional<Map<String, Object>> find(String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(name(d))).findFirst();
    }

    /**
     * The effective environment of a container: literal values, ConfigMap values (from envFrom and
     * configMapKeyRef; null when the ConfigMap or key is missing) and "secret:NAME/KEY" for Secret values.
     */
    public Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (Map<String, Object> from : Yamls.maps(container, "envFrom")) {
            String cm = Yamls.str(from, "configMapRef.name");
            String secret = Yamls.str(from, "secretRef.name");
            if (cm != null) {
                find("ConfigMap", cm).ifPresent(x -> Yamls.map(x, "data").forEach((k, v) -> env.put(k, String.valueOf(v))));
            }
            if (secret != null) {
                find("Secret", secret).ifPresent(x -> {
                    Yamls.map(x, "data").keySet().forEach(k -> env.put(k, "secret:" + secret + "/" + k));
                    Yamls.map(x, "stringData").keySet().forEach(k -> env.put(k, "secret:" + secret + "/" + k));
                });
            }
        }
        for (Map<String, Object> e : Yamls.maps(container, "env")) {
            String name = Yamls.str(e, "name");
            String cm = Yamls.str(e, "valueFrom.configMapKeyRef.name");
            String secret = Yamls.str(e, "valueFrom.secretKeyRef.name");
            if (e.containsKey("value")) {
                env.put(name, String.valueOf(e.get("value")));
            } else if (cm != null) {
                Object v = find("ConfigMap", cm).map(x -> Yamls.map(x, "data")
                        .get(Yamls.str(e, "valueFrom.configMapKeyRef.key"))).orElse(null);
                env.put(name, v == null ? null : String.valueOf(v));
            } else if (secret != null) {
                env.put(name, "secret:" + secret + "/" + Yamls.str(e, "valueFrom.secretKeyRef.key"));
            } else {
                env.put(name, null);
            }
        }
        return env;
    }

    /** The single container of a Deployment, if the Deployment exists. */
    public Optional<Map<String, Object>> container(String deployment) {
        return find("Deployment", deployment).flatMap(d -> Yamls.maps(d, "spec.template.spec.containers").stream()
                .findFirst());
    }

    /** metadata.name of a document. */
    public static String name(Map<String, Object> doc) {
        return Yamls.str(doc, "metadata.name");
    }

    /** "Kind/name" for messages. */
    public static String ref(Map<String, Object> doc) {
        return doc.get("kind") + "/" + name(doc);
    }

    /** The document as its fabric8 model class (unknown fields land in additionalProperties). */
    public static <T> T typed(Map<String, Object> doc, Class<T> type) {
        return MAPPER.convertValue(doc, type);
    }

    /**
     * Fields that the fabric8 model did not recognise, as dotted paths: a misspelt or misplaced
     * field in a built-in resource (the API server would reject it or, worse, drop it).
     */
    public static List<String> unknownFields(Object typed) {
        List<String> out = new ArrayList<>();
        walk(typed, "", out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(Object node, String path, List<String> out, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                walk(item, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, out, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> c = node.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object value;
                try {
                    value = f.get(node);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (f.getName().equals("additionalProperties")) {
                    if (value instanceof Map<?, ?> extra) {
                        extra.keySet().forEach(k -> out.add(path + "." + k));
                    }
                } else {
                    walk(value, path + "." + f.getName(), out, seen);
                }
            }
        }
    }
}
