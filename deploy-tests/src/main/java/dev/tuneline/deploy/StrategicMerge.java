package dev.tuneline.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Merge patches as kustomize applies them: strategic merge for built-in Kubernetes kinds (lists
 * of containers, env, volumes, ports… merged by their patch-merge key, patch items first), JSON
 * merge patch (RFC 7386: lists replaced) for custom resources. A null value deletes a key.
 */
final class StrategicMerge {

    private StrategicMerge() {
    }

    /** Merges {@code patch} into {@code target} in place; {@code strategic} selects list merging by key. */
    static void merge(Map<String, Object> target, Map<String, Object> patch, boolean strategic, String where) {
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            String path = where + "." + key;
            if (key.startsWith("$")) {
                throw new IllegalArgumentException(path + ": patch directive " + key + " is not supported");
            }
            if (value == null) {
                target.remove(key);
            } else if (value instanceof Map<?, ?> && target.get(key) instanceof Map<?, ?>) {
                merge(Yamls.asMap(target.get(key), path), Yamls.asMap(value, path), strategic, path);
            } else if (strategic && value instanceof List<?> && target.get(key) instanceof List<?>) {
                target.put(key, mergeList(key, Yamls.asList(target.get(key), path), Yamls.asList(value, path),
                        path));
            } else {
                target.put(key, Yamls.deepCopy(value));
            }
        }
    }

    /** The patch-merge key of a list field (from the Kubernetes API's patchMergeKey), or null. */
    static String mergeKey(String field, List<Object> sample) {
        switch (field) {
            case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets":
                return "name";
            case "volumeMounts":
                return "mountPath";
            case "volumeDevices":
                return "devicePath";
            case "hostAliases":
                return "ip";
            case "topologySpreadConstraints":
                return "topologyKey";
            case "ports":
                for (Object item : sample) {
                    if (item instanceof Map<?, ?> m && m.containsKey("containerPort")) {
                        return "containerPort";
                    }
                }
                return "port";
            default:
                return null;
        }
    }

    private static List<Object> mergeList(String field, List<Object> target, List<Object> patch, String where) {
        List<Object> sample = new ArrayList<>(target);
        sample.addAll(patch);
        String key = mergeKey(field, sample);
        if (key == null) {
            return Yamls.deepCopy(patch);
        }
        Map<Object, Map<String, Object>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < target.size(); i++) {
            Map<String, Object> item = Yamls.asMap(target.get(i), where + "[" + i + "]");
            byKey.put(Objects.requireNonNull(item.get(key), where + "[" + i + "] has no " + key), item);
        }
        // kustomize's order: the patch's items (merged where they already exist), then the rest
        List<Object> merged = new ArrayList<>();
        List<Object> used = new ArrayList<>();
        for (int i = 0; i < patch.size(); i++) {
            String at = where + "[" + i + "]";
            Map<String, Object> item = Yamls.asMap(patch.get(i), at);
            Object id = item.get(key);
            if (id == null) {
                throw new IllegalArgumentException(at + ": patch item has no merge key '" + key + "'");
            }
            Map<String, Object> existing = byKey.get(id);
            if (existing == null) {
                merged.add(Yamls.deepCopy(item));
            } else {
                Map<String, Object> copy = Yamls.deepCopy(existing);
                merge(copy, item, true, at);
                merged.add(copy);
                used.add(id);
            }
        }
        byKey.forEach((id, item) -> {
            if (!used.contains(id)) {
                merged.add(item);
            }
        });
        return merged;
    }
}
