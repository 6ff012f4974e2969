package dev.tuneline.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Locates the repository and renders its kustomize overlays for the tests. */
final class Repo {

    /** The renderings checked: the base and both overlays. */
    static final List<String> TARGETS = List.of("base", "dev", "gpu");

    private Repo() {
    }

    /** The repository root (surefire passes it; the module's parent otherwise). */
    static Path root() {
        String dir = System.getProperty("tuneline.repo.dir");
        Path root = dir != null ? Path.of(dir) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isDirectory(root.resolve("k8s"))) {
            throw new IllegalStateException("no k8s/ under " + root);
        }
        return root.toAbsolutePath().normalize();
    }

    /** The kustomization directory of "base" or an overlay name. */
    static Path kustomization(String target) {
        return target.equals("base") ? root().resolve("k8s/base") : root().resolve("k8s/overlays").resolve(target);
    }

    private static final Map<String, List<Map<String, Object>>> RENDERED = new java.util.concurrent.ConcurrentHashMap<>();

    /** A fresh copy of the rendering of "base" or an overlay (rendered once per test run). */
    static List<Map<String, Object>> render(String target) {
        return Yamls.deepCopyAll(RENDERED.computeIfAbsent(target, t -> Kustomizer.build(kustomization(t))));
    }

    /** What each rendering promises. */
    static ManifestChecker.Expectations expectations(String target) {
        return switch (target) {
            case "base" -> new ManifestChecker.Expectations("base", false, true, Set.of("tuneline-gateway"));
            case "dev" -> new ManifestChecker.Expectations("dev", false, false, Set.of());
            case "gpu" -> new ManifestChecker.Expectations("gpu", true, true, Set.of("tuneline-gateway"));
            default -> throw new IllegalArgumentException("unknown rendering " + target);
        };
    }

    /** The document of that kind and name in a rendering (fails the test when missing). */
    static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return new Manifests(docs).find(kind, name)
                .orElseThrow(() -> new AssertionError(kind + "/" + name + " not rendered"));
    }
}
