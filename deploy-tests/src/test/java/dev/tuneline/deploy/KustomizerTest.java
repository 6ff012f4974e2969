package dev.tuneline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java renderer against kustomize's documented behaviour, on small fixtures whose expected
 * output is written out by hand; and, where a kubectl binary is installed, against
 * {@code kubectl kustomize} on the fixtures and on the real base and overlays.
 */
class KustomizerTest {

    @TempDir
    Path dir;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: a
            spec:
              template:
                spec:
                  containers:
                    - name: c1
                      image: example/app:1.0
                      env:
                        - {name: A, value: "1"}
                        - {name: B, value: "2"}
                        - {name: C, value: "3"}
                      ports:
                        - {name: http, containerPort: 80}
                    - name: c2
                      image: example/side:2.0
                  tolerations:
                    - {key: a, operator: Exists}
                  volumes:
                    - {name: v1, emptyDir: {}}
            """;

    private void write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static Map<String, Object> only(List<Map<String, Object>> docs) {
        assertEquals(1, docs.size());
        return docs.get(0);
    }

    @Test
    void strategicMergeMergesListsByKeyPatchItemsFirstAndReplacesOthers() throws IOException {
        write("d.yaml", DEPLOYMENT);
        write("p.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: a
                spec:
                  template:
                    spec:
                      containers:
                        - name: c2
                          image: example/side:3.0
                        - name: c1
                          env:
                            - {name: D, value: "4"}
                            - {name: B, value: "22"}
                          ports:
                            - containerPort: 81
                      tolerations:
                        - {key: b, operator: Exists}
                      volumes:
                        - {name: v2, emptyDir: {}}
                """);
        write("kustomization.yaml", "resources: [d.yaml]\npatches:\n  - path: p.yaml\n");
        Map<String, Object> d = only(Kustomizer.build(dir));
        Map<String, Object> expected = Yamls.parseAll("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: a
                spec:
                  template:
                    spec:
                      containers:
                        - name: c2
                          image: example/side:3.0
                        - name: c1
                          image: example/app:1.0
                          env:
                            - {name: D, value: "4"}
                            - {name: B, value: "22"}
                            - {name: A, value: "1"}
                            - {name: C, value: "3"}
                          ports:
                            - containerPort: 81
                            - {name: http, containerPort: 80}
                      tolerations:
                        - {key: b, operator: Exists}
                      volumes:
                        - {name: v2, emptyDir: {}}
                        - {name: v1, emptyDir: {}}
                """, "expected").get(0);
        assertEquals(expected, d);
        crossCheck(dir);
    }

    @Test
    void customResourcesGetJsonMergePatchNamespaceAndImages() throws IOException {
        write("r.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: foo
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: c
                  namespace: other
                data:
                  a: "1"
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: r
                ---
                apiVersion: x.example.com/v1
                kind: Foo
                metadata:
                  name: f
                spec:
                  list: [1, 2]
                  m: {a: 1, b: 2}
                """);
        write("d.yaml", DEPLOYMENT);
        write("kustomization.yaml", """
                namespace: bar
                resources: [r.yaml, d.yaml]
                images:
                  - name: example/app
                    newName: registry.example.com/app
                    newTag: "1.2"
                  - name: example/side
                    digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                patches:
                  - patch: |-
                      apiVersion: x.example.com/v1
                      kind: Foo
                      metadata:
                        name: f
                      spec:
                        list: [3]
                        m: {a: null, c: 3}
                """);
        List<Map<String, Object>> docs = Kustomizer.build(dir);
        Manifests m = new Manifests(docs);
        assertEquals("bar", Manifests.name(m.ofKind("Namespace").get(0)));
        assertEquals("bar", Yamls.str(m.find("ConfigMap", "c").orElseThrow(), "metadata.namespace"));
        assertEquals(null, Yamls.str(m.find("ClusterRole", "r").orElseThrow(), "metadata.namespace"));
        Map<String, Object> foo = m.find("Foo", "f").orElseThrow();
        assertEquals(List.of(3), Yamls.get(foo, "spec.list"));
        assertEquals(Map.of("b", 2, "c", 3), Yamls.get(foo, "spec.m"));
        assertEquals("bar", Yamls.str(foo, "metadata.namespace"));
        List<Map<String, Object>> containers = Yamls.maps(m.find("Deployment", "a").orElseThrow(),
                "spec.template.spec.containers");
        assertEquals("registry.example.com/app:1.2", containers.get(0).get("image"));
        assertEquals("example/side@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                containers.get(1).get("image"));
        crossCheck(dir);
    }

    @Test
    void jsonPatchesApplyToEveryTargetAndOverlaysStack() throws IOException {
        write("base/d.yaml", DEPLOYMENT);
        write("base/more.yaml", DEPLOYMENT.replace("name: a\n", "name: b\n"));
        write("base/kustomization.yaml", "resources: [d.yaml, more.yaml]\n");
        write("overlay/kustomization.yaml", """
                resources: [../base]
                patches:
                  - target: {kind: Deploy.*, name: "[ab]"}
                    patch: |-
                      - op: add
                        path: /spec/template/spec/containers/0/env/-
                        value: {name: Z, value: "26"}
                      - op: replace
                        path: /spec/template/spec/tolerations/0/key
                        value: gpu
                      - op: remove
                        path: /spec/template/spec/volumes
                      - op: add
                        path: /spec/replicas
                        value: 2
                """);
        List<Map<String, Object>> docs = Kustomizer.build(dir.resolve("overlay"));
        assertEquals(2, docs.size());
        for (Map<String, Object> d : docs) {
            List<Map<String, Object>> env = Yamls.maps(Yamls.maps(d, "spec.template.spec.containers").get(0), "env");
            assertEquals(Map.of("name", "Z", "value", "26"), env.get(3));
            assertEquals("gpu", Yamls.maps(d, "spec.template.spec.tolerations").get(0).get("key"));
            assertEquals(null, Yamls.get(d, "spec.template.spec.volumes"));
            assertEquals(2, Yamls.get(d, "spec.replicas"));
        }
        crossCheck(dir.resolve("overlay"));
    }

    @Test
    void mistakesAreErrorsNamingTheirPlace() throws IOException {
        write("d.yaml", DEPLOYMENT);
        write("kustomization.yaml", "resources: [d.yaml]\ncommonLabels: {a: b}\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomizer.build(dir)).getMessage()
                .contains("'commonLabels' is not supported"));
        write("kustomization.yaml", "resources: [d.yaml, missing.yaml]\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomizer.build(dir)).getMessage()
                .contains("'missing.yaml' does not exist"));
        write("kustomization.yaml", "resources: [d.yaml, d.yaml]\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomizer.build(dir)).getMessage()
                .contains("defined twice"));
        write("p.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nope\nspec: {}\n");
        write("kustomization.yaml", "resources: [d.yaml]\npatches:\n  - path: p.yaml\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomizer.build(dir)).getMessage()
                .contains("Deployment/nope matches 0 resources"));
        write("kustomization.yaml", """
                resources: [d.yaml]
                patches:
                  - target: {kind: Deployment}
                    patch: |-
                      - op: replace
                        path: /spec/template/spec/nodeSelector/gpu
                        value: "true"
                """);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomizer.build(dir)).getMessage()
                .contains("no member 'nodeSelector'"));
        write("kustomization.yaml", "resources: [d.yaml]\nimages:\n  - {name: example/other, newTag: x}\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomizer.build(dir)).getMessage()
                .contains("no container uses image 'example/other'"));
    }

    @Test
    void aBrokenOverlayCopyFailsToRender() throws IOException {
        // copy the real k8s/ tree, then break the gpu overlay's patch target
        Path root = Repo.root();
        try (var files = Files.walk(root.resolve("k8s"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(root.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target);
            }
        }
        Path patch = dir.resolve("k8s/overlays/gpu/gpu-workers.yaml");
        Files.writeString(patch, Files.readString(patch).replace("name: sft-worker", "name: sft-wroker"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kustomizer.build(dir.resolve("k8s/overlays/gpu")));
        assertTrue(e.getMessage().contains("Deployment/sft-wroker matches 0 resources"), e.getMessage());
    }

    @Test
    void realOverlaysRenderLikeKubectlKustomize() {
        for (String target : Repo.TARGETS) {
            crossCheck(Repo.kustomization(target));
        }
    }

    /** Compares with kubectl kustomize when a kubectl binary is on the PATH (an optional extra check). */
    private static void crossCheck(Path kustomization) {
        Assumptions.assumeTrue(kubectl() != null, "kubectl is not installed: cross-check with kustomize skipped");
        try {
            Process p = new ProcessBuilder(kubectl(), "kustomize", kustomization.toString())
                    .redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "kubectl kustomize failed: " + err);
            assertEquals(byId(Yamls.parseAll(out, "kubectl kustomize " + kustomization)),
                    byId(Kustomizer.build(kustomization)), "rendering of " + kustomization);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> docs) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        docs.forEach(d -> out.put(Kustomizer.id(d), d));
        return out;
    }

    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
