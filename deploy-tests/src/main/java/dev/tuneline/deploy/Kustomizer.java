package dev.tuneline.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders a kustomization directory like {@code kustomize build} ({@code kubectl kustomize}) for the
 * features Tuneline's overlays use: {@code resources} (files and directories), {@code namespace},
 * {@code patches} (strategic merge or JSON 6902, from a file or inline, with or without a
 * {@code target}) and {@code images}. Any other kustomization field is an error, and so is a patch
 * that matches no resource (kustomize ignores a target that selects nothing; this is stricter).
 */
public final class Kustomizer {

    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "namespace", "resources", "patches",
            "images");
    private static final Set<String> BUILTIN_GROUPS = Set.of("", "apps", "batch", "networking.k8s.io", "policy",
            "autoscaling", "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "Node");
    private static final List<String> FILE_NAMES = List.of("kustomization.yaml", "kustomization.yml",
            "Kustomization");

    private Kustomizer() {
    }

    /** Renders the kustomization in {@code dir}; the result is a fresh list of documents in input order. */
    public static List<Map<String, Object>> build(Path dir) {
        return build(dir.toAbsolutePath().normalize(), new HashSet<>());
    }

    /** Prints the rendering of each directory given, like {@code kubectl kustomize DIR}. */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: Kustomizer <kustomization dir>...");
            System.exit(2);
        }
        for (String arg : args) {
            System.out.print(Yamls.dumpAll(build(Path.of(arg))));
        }
    }

    private static List<Map<String, Object>> build(Path dir, Set<Path> visiting) {
        if (!visiting.add(dir)) {
            throw new IllegalArgumentException("kustomization cycle through " + dir);
        }
        Path file = FILE_NAMES.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kustomization.yaml in " + dir));
        Map<String, Object> k = Yamls.readOne(file);
        for (String field : k.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(file + ": kustomization field '" + field + "' is not supported");
            }
        }
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Object entry : Yamls.list(k, "resources")) {
            Path p = dir.resolve(String.valueOf(entry)).normalize();
            List<Map<String, Object>> loaded;
            if (Files.isDirectory(p)) {
                loaded = build(p, visiting);
            } else if (Files.isRegularFile(p)) {
                loaded = Yamls.readAll(p);
            } else {
                throw new IllegalArgumentException(file + ": resource '" + entry + "' does not exist");
            }
            for (Map<String, Object> r : loaded) {
                requireId(r, p.toString());
                for (Map<String, Object> existing : resources) {
                    if (id(existing).equals(id(r))) {
                        throw new IllegalArgumentException(file + ": resource " + id(r) + " is defined twice");
                    }
                }
                resources.add(r);
            }
        }
        List<Object> patches = Yamls.list(k, "patches");
        for (int i = 0; i < patches.size(); i++) {
            applyPatch(resources, Yamls.asMap(patches.get(i), file + " patches[" + i + "]"), dir,
                    file + " patches[" + i + "]");
        }
        String namespace = Yamls.str(k, "namespace");
        if (namespace != null) {
            for (Map<String, Object> r : resources) {
                setNamespace(r, namespace);
            }
        }
        List<Object> images = Yamls.list(k, "images");
        for (int i = 0; i < images.size(); i++) {
            Map<String, Object> image = Yamls.asMap(images.get(i), file + " images[" + i + "]");
            int changed = 0;
            for (Map<String, Object> r : resources) {
                changed += retag(r, image);
            }
            if (changed == 0) {
                throw new IllegalArgumentException(file + " images[" + i + "]: no container uses image '"
                        + image.get("name") + "'");
            }
        }
        visiting.remove(dir);
        return resources;
    }

    /** "Kind/namespace/name" of a resource (namespace empty when unset). */
    public static String id(Map<String, Object> r) {
        String ns = Yamls.str(r, "metadata.namespace");
        return r.get("kind") + "/" + (ns == null ? "" : ns) + "/" + Yamls.str(r, "metadata.name");
    }

    private static void requireId(Map<String, Object> r, String origin) {
        if (r.get("apiVersion") == null || r.get("kind") == null || Yamls.str(r, "metadata.name") == null) {
            throw new IllegalArgumentException(origin + ": every resource needs apiVersion, kind and metadata.name");
        }
    }

    private static String group(Map<String, Object> r) {
        String apiVersion = String.valueOf(r.get("apiVersion"));
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private static String version(Map<String, Object> r) {
        String apiVersion = String.valueOf(r.get("apiVersion"));
        return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }

    /** Whether kustomize merges this kind strategically (built-in API) rather than by JSON merge patch. */
    static boolean isBuiltin(Map<String, Object> r) {
        return BUILTIN_GROUPS.contains(group(r));
    }

    private static void applyPatch(List<Map<String, Object>> resources, Map<String, Object> entry, Path dir,
            String where) {
        for (String field : entry.keySet()) {
            if (!Set.of("path", "patch", "target").contains(field)) {
                throw new IllegalArgumentException(where + ": field '" + field + "' is not supported");
            }
        }
        String text;
        String origin;
        if (entry.get("path") != null && entry.get("patch") == null) {
            Path p = dir.resolve(String.valueOf(entry.get("path")));
            origin = p.toString();
            try {
                text = Files.readString(p);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(where + ": cannot read patch " + p, e);
            }
        } else if (entry.get("patch") != null && entry.get("path") == null) {
            text = String.valueOf(entry.get("patch"));
            origin = where + " (inline)";
        } else {
            throw new IllegalArgumentException(where + ": exactly one of 'path' and 'patch' is required");
        }
        Map<String, Object> target = entry.get("target") == null ? null
                : Yamls.asMap(entry.get("target"), where + ".target");
        String head = text.strip();
        boolean jsonPatch = (head.startsWith("-") && !head.startsWith("---")) || head.startsWith("[");
        Object single = jsonPatch ? Yamls.parseValue(text, origin) : null;
        if (single instanceof List<?>) {
            if (target == null) {
                throw new IllegalArgumentException(where + ": a JSON 6902 patch needs a target");
            }
            List<Map<String, Object>> matched = select(resources, target, where);
            for (Map<String, Object> r : matched) {
                JsonPatch.apply(r, Yamls.asList(single, origin), origin + " on " + id(r));
            }
            return;
        }
        for (Map<String, Object> patch : Yamls.parseAll(text, origin)) {
            List<Map<String, Object>> matched = target != null ? select(resources, target, where)
                    : matchPatch(resources, patch, origin);
            for (Map<String, Object> r : matched) {
                Map<String, Object> body = Yamls.deepCopy(patch);
                if (target != null) {
                    // with a target, the patch's own identity does not count
                    body.remove("apiVersion");
                    body.remove("kind");
                    Yamls.map(body, "metadata").remove("name");
                    Yamls.map(body, "metadata").remove("namespace");
                }
                StrategicMerge.merge(r, body, isBuiltin(r), id(r));
            }
        }
    }

    private static List<Map<String, Object>> matchPatch(List<Map<String, Object>> resources,
            Map<String, Object> patch, String origin) {
        String kind = String.valueOf(patch.get("kind"));
        String name = Yamls.str(patch, "metadata.name");
        String ns = Yamls.str(patch, "metadata.namespace");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : resources) {
            if (kind.equals(r.get("kind")) && name != null && name.equals(Yamls.str(r, "metadata.name"))
                    && group(r).equals(group(patch))
                    && (ns == null || ns.equals(Yamls.str(r, "metadata.namespace")))) {
                out.add(r);
            }
        }
        if (out.size() != 1) {
            throw new IllegalArgumentException(origin + ": patch for " + kind + "/" + name + " matches "
                    + out.size() + " resources, expected exactly one");
        }
        return out;
    }

    private static List<Map<String, Object>> select(List<Map<String, Object>> resources, Map<String, Object> target,
            String where) {
        for (String field : target.keySet()) {
            if (!Set.of("group", "version", "kind", "name", "namespace", "labelSelector").contains(field)) {
                throw new IllegalArgumentException(where + ".target: selector '" + field + "' is not supported");
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : resources) {
            if (matches(target.get("kind"), String.valueOf(r.get("kind")))
                    && matches(target.get("name"), Yamls.str(r, "metadata.name"))
                    && matches(target.get("namespace"), Yamls.str(r, "metadata.namespace"))
                    && matches(target.get("group"), group(r))
                    && matches(target.get("version"), version(r))
                    && labelsMatch(Yamls.str(target, "labelSelector"), Yamls.map(r, "metadata.labels"))) {
                out.add(r);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + ": target " + target + " selects no resource");
        }
        return out;
    }

    /** kustomize matches target fields as anchored regular expressions. */
    private static boolean matches(Object pattern, String value) {
        return pattern == null || (value != null && Pattern.matches(String.valueOf(pattern), value));
    }

    private static boolean labelsMatch(String selector, Map<String, Object> labels) {
        if (selector == null || selector.isBlank()) {
            return true;
        }
        for (String term : selector.split(",")) {
            String[] kv = term.split("=", 2);
            if (kv.length != 2 || kv[0].endsWith("!")) {
                throw new IllegalArgumentException("labelSelector term '" + term + "' is not key=value");
            }
            if (!kv[1].trim().equals(String.valueOf(labels.get(kv[0].trim())))) {
                return false;
            }
        }
        return true;
    }

    private static void setNamespace(Map<String, Object> r, String namespace) {
        String kind = String.valueOf(r.get("kind"));
        Map<String, Object> metadata = Yamls.asMap(r.get("metadata"), id(r) + ".metadata");
        if (kind.equals("Namespace") && group(r).isEmpty()) {
            metadata.put("name", namespace);
        } else if (!CLUSTER_SCOPED.contains(kind)) {
            metadata.put("namespace", namespace);
        }
    }

    /** Applies one images entry to every container of the resource; returns how many images changed. */
    private static int retag(Object node, Map<String, Object> image) {
        int changed = 0;
        if (node instanceof Map<?, ?> raw) {
            Map<String, Object> map = Yamls.asMap(raw, "images");
            for (Map.Entry<String, Object> e : map.entrySet()) {
                if ((e.getKey().equals("containers") || e.getKey().equals("initContainers"))
                        && e.getValue() instanceof List<?> list) {
                    for (Object c : list) {
                        changed += retagContainer(Yamls.asMap(c, "container"), image);
                    }
                } else {
                    changed += retag(e.getValue(), image);
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object item : list) {
                changed += retag(item, image);
            }
        }
        return changed;
    }

    private static int retagContainer(Map<String, Object> container, Map<String, Object> image) {
        Object ref = container.get("image");
        if (ref == null) {
            return 0;
        }
        ImageRef parsed = ImageRef.parse(String.valueOf(ref));
        if (!parsed.name().equals(image.get("name"))) {
            return 0;
        }
        String name = image.get("newName") == null ? parsed.name() : String.valueOf(image.get("newName"));
        String suffix = parsed.suffix();
        if (image.get("digest") != null) {
            suffix = "@" + image.get("digest");
        } else if (image.get("newTag") != null) {
            suffix = ":" + image.get("newTag");
        }
        container.put("image", name + suffix);
        return 1;
    }

    /** An image reference split into repository name and ":tag" / "@digest" suffix. */
    public record ImageRef(String name, String suffix) {

        /** Splits "registry:5000/repo/name:tag@sha256:…" into name and suffix. */
        public static ImageRef parse(String ref) {
            int at = ref.indexOf('@');
            if (at >= 0) {
                return new ImageRef(ref.substring(0, at), ref.substring(at));
            }
            int colon = ref.lastIndexOf(':');
            if (colon > ref.lastIndexOf('/')) {
                return new ImageRef(ref.substring(0, colon), ref.substring(colon));
            }
            return new ImageRef(ref, "");
        }

        /** The tag without its colon, or null when the reference has none. */
        public String tag() {
            return suffix.startsWith(":") ? suffix.substring(1) : null;
        }
    }
}
