package dev.tuneline.deploy;

import java.util.List;
import java.util.Map;

/** RFC 6902 JSON Patch on a YAML tree: the add, remove, replace and test operations. */
final class JsonPatch {

    private JsonPatch() {
    }

    /** Applies the operations in order to {@code target} (changed in place); errors name the operation. */
    static void apply(Map<String, Object> target, List<Object> operations, String origin) {
        for (int i = 0; i < operations.size(); i++) {
            String where = origin + " operation " + i;
            Map<String, Object> op = Yamls.asMap(operations.get(i), where);
            String kind = String.valueOf(op.get("op"));
            String path = (String) op.get("path");
            if (path == null) {
                throw new IllegalArgumentException(where + ": missing 'path'");
            }
            switch (kind) {
                case "add" -> add(target, path, requireValue(op, where), where);
                case "replace" -> replace(target, path, requireValue(op, where), where);
                case "remove" -> remove(target, path, where);
                case "test" -> test(target, path, requireValue(op, where), where);
                default -> throw new IllegalArgumentException(where + ": unsupported op '" + kind + "'");
            }
        }
    }

    private static Object requireValue(Map<String, Object> op, String where) {
        if (!op.containsKey("value")) {
            throw new IllegalArgumentException(where + ": missing 'value'");
        }
        return Yamls.deepCopy(op.get("value"));
    }

    private static String[] tokens(String path, String where) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(where + ": path '" + path + "' must start with /");
        }
        String[] raw = path.substring(1).split("/", -1);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = raw[i].replace("~1", "/").replace("~0", "~");
        }
        return raw;
    }

    /** The container (map or list) holding the last token of the path. */
    private static Object parent(Map<String, Object> root, String[] tokens, String where) {
        Object current = root;
        for (int i = 0; i < tokens.length - 1; i++) {
            current = child(current, tokens[i], where);
        }
        return current;
    }

    private static Object child(Object container, String token, String where) {
        if (container instanceof Map<?, ?> map) {
            if (!map.containsKey(token)) {
                throw new IllegalArgumentException(where + ": no member '" + token + "'");
            }
            return map.get(token);
        }
        if (container instanceof List<?> list) {
            return list.get(index(list, token, false, where));
        }
        throw new IllegalArgumentException(where + ": cannot descend into a scalar at '" + token + "'");
    }

    private static int index(List<?> list, String token, boolean forAdd, String where) {
        if (forAdd && token.equals("-")) {
            return list.size();
        }
        int i;
        try {
            i = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": '" + token + "' is not a list index");
        }
        int max = forAdd ? list.size() : list.size() - 1;
        if (i < 0 || i > max) {
            throw new IllegalArgumentException(where + ": index " + i + " out of range (size " + list.size() + ")");
        }
        return i;
    }

    private static void add(Map<String, Object> root, String path, Object value, String where) {
        String[] t = tokens(path, where);
        Object parent = parent(root, t, where);
        String last = t[t.length - 1];
        if (parent instanceof Map<?, ?>) {
            Yamls.asMap(parent, where).put(last, value);
        } else if (parent instanceof List<?>) {
            List<Object> list = Yamls.asList(parent, where);
            list.add(index(list, last, true, where), value);
        } else {
            throw new IllegalArgumentException(where + ": parent of '" + path + "' is a scalar");
        }
    }

    private static void replace(Map<String, Object> root, String path, Object value, String where) {
        String[] t = tokens(path, where);
        Object parent = parent(root, t, where);
        String last = t[t.length - 1];
        if (parent instanceof Map<?, ?>) {
            Map<String, Object> map = Yamls.asMap(parent, where);
            if (!map.containsKey(last)) {
                throw new IllegalArgumentException(where + ": cannot replace missing member '" + last + "'");
            }
            map.put(last, value);
        } else if (parent instanceof List<?>) {
            List<Object> list = Yamls.asList(parent, where);
            list.set(index(list, last, false, where), value);
        } else {
            throw new IllegalArgumentException(where + ": parent of '" + path + "' is a scalar");
        }
    }

    private static void remove(Map<String, Object> root, String path, String where) {
        String[] t = tokens(path, where);
        Object parent = parent(root, t, where);
        String last = t[t.length - 1];
        if (parent instanceof Map<?, ?>) {
            if (Yamls.asMap(parent, where).remove(last) == null) {
                throw new IllegalArgumentException(where + ": cannot remove missing member '" + last + "'");
            }
        } else if (parent instanceof List<?>) {
            List<Object> list = Yamls.asList(parent, where);
            list.remove(index(list, last, false, where));
        } else {
            throw new IllegalArgumentException(where + ": parent of '" + path + "' is a scalar");
        }
    }

    private static void test(Map<String, Object> root, String path, Object expected, String where) {
        String[] t = tokens(path, where);
        Object actual = child(parent(root, t, where), t[t.length - 1], where);
        if (!String.valueOf(actual).equals(String.valueOf(expected))) {
            throw new IllegalArgumentException(where + ": test failed at " + path + ": " + actual + " != " + expected);
        }
    }
}
