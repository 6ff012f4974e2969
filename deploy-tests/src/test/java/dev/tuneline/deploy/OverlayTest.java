package dev.tuneline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.events.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Renders the base and each overlay, checks the output is valid YAML and passes every manifest check. */
class OverlayTest {

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void renderingIsValidYamlAndPassesAllChecks(String target) throws Exception {
        List<Map<String, Object>> docs = Repo.render(target);
        String yaml = Yamls.dumpAll(docs);
        Path out = Path.of("target", "rendered", target + ".yaml");
        Files.createDirectories(out.getParent());
        Files.writeString(out, yaml);
        // the written stream parses back (strictly: no duplicate keys) to the same documents
        assertEquals(docs, Yamls.parseAll(yaml, out.toString()));
        List<String> violations = ManifestChecker.check(docs, Repo.expectations(target));
        assertTrue(violations.isEmpty(), target + ":\n" + String.join("\n", violations));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "gpu"})
    void everyTopicConstantIsAKafkaTopicAndNothingElse(String target) {
        Set<String> topics = Repo.render(target).stream().filter(d -> "KafkaTopic".equals(d.get("kind")))
                .map(Manifests::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Topics.ALL), topics);
    }

    @Test
    void gpuOverlayPutsOnlyTheWorkersOnGpus() {
        List<Map<String, Object>> docs = Repo.render("gpu");
        for (Platform.Service s : Platform.SERVICES) {
            Map<String, Object> d = Repo.find(docs, "Deployment", s.name());
            Map<String, Object> c = Yamls.maps(d, "spec.template.spec.containers").get(0);
            Object gpus = Yamls.map(c, "resources.limits").get("nvidia.com/gpu");
            if (s.worker()) {
                assertEquals("1", gpus, s.name());
                assertEquals("true", Yamls.map(d, "spec.template.spec.nodeSelector").get("nvidia.com/gpu.present"));
                assertEquals("nvidia.com/gpu", Yamls.maps(d, "spec.template.spec.tolerations").get(0).get("key"));
                assertEquals("tuneline/" + s.name() + ":0.1.0-SNAPSHOT-cu128", c.get("image"));
            } else {
                assertNull(gpus, s.name());
                assertEquals("tuneline/" + s.name() + ":0.1.0-SNAPSHOT", c.get("image"));
            }
        }
    }

    @Test
    void devOverlayShrinksToOneNodeWithoutGpus() {
        List<Map<String, Object>> docs = Repo.render("dev");
        assertEquals(1, Yamls.get(Repo.find(docs, "KafkaNodePool", "dual-role"), "spec.replicas"));
        assertEquals(1, Yamls.get(Repo.find(docs, "Cluster", "tuneline-db"), "spec.instances"));
        docs.stream().filter(d -> "KafkaTopic".equals(d.get("kind")))
                .forEach(t -> assertEquals(1, Yamls.get(t, "spec.replicas"), Manifests.name(t)));
        assertEquals(2, Yamls.get(Repo.find(docs, "ScaledObject", "sft-worker"), "spec.maxReplicaCount"));
        assertFalse(Yamls.dumpAll(docs).contains("nvidia.com/gpu"));
        // base values survive the patches: the env list is merged by name, not replaced
        Map<String, Object> c = Yamls.maps(Repo.find(docs, "Deployment", "sft-worker"),
                "spec.template.spec.containers").get(0);
        Map<String, String> env = new Manifests(docs).environment(c);
        assertEquals("2", env.get("OMP_NUM_THREADS"));
        assertEquals("8082", env.get("QUARKUS_HTTP_PORT"));
        assertEquals("secret:tuneline-db-app/password", env.get("QUARKUS_DATASOURCE_PASSWORD"));
        assertEquals("tuneline", Yamls.str(Repo.find(docs, "Namespace", "tuneline"), "metadata.name"));
        docs.stream().filter(d -> !"Namespace".equals(d.get("kind")))
                .forEach(d -> assertEquals("tuneline", Yamls.str(d, "metadata.namespace"), Manifests.ref(d)));
    }
}
