package dev.tuneline.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/** Reading, writing and walking YAML documents as plain maps and lists (SnakeYAML, strict loading). */
public final class Yamls {

    private Yamls() {
    }

    /** A loader that rejects duplicate keys; merge keys (<<) and anchors are resolved. */
    private static Yaml loader() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    /** All non-empty documents of a multi-document YAML text; each must be a mapping. */
    public static List<Map<String, Object>> parseAll(String text, String origin) {
        List<Map<String, Object>> docs = new ArrayList<>();
        int index = 0;
        try {
            for (Object doc : loader().loadAll(text)) {
                if (doc == null) {
                    index++;
                    continue;
                }
                if (!(doc instanceof Map)) {
                    throw new IllegalArgumentException(origin + ": document " + index + " is not a mapping but "
                            + doc.getClass().getSimpleName());
                }
                docs.add(asMap(doc, origin + "#" + index));
                index++;
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException(origin + ": invalid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    /** Parses one YAML value (mapping, list or scalar). */
    public static Object parseValue(String text, String origin) {
        try {
            return loader().load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(origin + ": invalid YAML: " + e.getMessage(), e);
        }
    }

    /** All documents of a YAML file. */
    public static List<Map<String, Object>> readAll(Path file) {
        try {
            return parseAll(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The single mapping document of a YAML file. */
    public static Map<String, Object> readOne(Path file) {
        List<Map<String, Object>> docs = readAll(file);
        if (docs.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }

    /** Writes documents as a multi-document YAML stream (block style, "---" between documents). */
    public static String dumpAll(List<Map<String, Object>> docs) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        options.setSplitLines(false);
        Yaml yaml = new Yaml(new Representer(options), options);
        return yaml.dumpAll(docs.iterator());
    }

    /** A deep copy of a YAML tree (maps keep their order). */
    @SuppressWarnings("unchecked")
    public static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }

    /** A deep copy of a list of documents. */
    public static List<Map<String, Object>> deepCopyAll(List<Map<String, Object>> docs) {
        List<Map<String, Object>> copy = new ArrayList<>(docs.size());
        docs.forEach(d -> copy.add(deepCopy(d)));
        return copy;
    }

    /** The value as a mapping with string keys, or an error naming where it was expected. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + ": expected a mapping, found "
                    + (value == null ? "nothing" : value.getClass().getSimpleName()));
        }
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new IllegalArgumentException(where + ": key " + key + " is not a string");
            }
        }
        return (Map<String, Object>) map;
    }

    /** The value as a list, or an error naming where it was expected. */
    @SuppressWarnings("unchecked")
    public static List<Object> asList(Object value, String where) {
        if (!(value instanceof List<?>)) {
            throw new IllegalArgumentException(where + ": expected a list, found "
                    + (value == null ? "nothing" : value.getClass().getSimpleName()));
        }
        return (List<Object>) value;
    }

    /** Follows a dotted path of mapping keys ("spec.template.spec"); null when any step is missing. */
    public static Object get(Map<String, Object> root, String dottedPath) {
        Object current = root;
        for (String key : dottedPath.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    /** The mapping at a dotted path, or an empty map when it is missing. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Map<String, Object> root, String dottedPath) {
        Object value = get(root, dottedPath);
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    /** The list at a dotted path, or an empty list when it is missing. */
    @SuppressWarnings("unchecked")
    public static List<Object> list(Map<String, Object> root, String dottedPath) {
        Object value = get(root, dottedPath);
        return value instanceof List<?> ? (List<Object>) value : List.of();
    }

    /** The mappings of the list at a dotted path (non-mapping items are skipped). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> maps(Map<String, Object> root, String dottedPath) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : list(root, dottedPath)) {
            if (item instanceof Map<?, ?>) {
                out.add((Map<String, Object>) item);
            }
        }
        return out;
    }

    /** The scalar at a dotted path as a string, or null. */
    public static String str(Map<String, Object> root, String dottedPath) {
        Object value = get(root, dottedPath);
        return value == null || value instanceof Map || value instanceof List ? null : String.valueOf(value);
    }
}
