package dev.tuneline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each service's Dockerfile.jvm against its Kubernetes Deployment. */
class DockerfileTest {

    private static List<String> check(Platform.Service s, String text) {
        List<Map<String, Object>> docs = Repo.render("base");
        Manifests m = new Manifests(docs);
        Map<String, String> env = m.environment(m.container(s.name()).orElseThrow());
        Object user = Yamls.get(Repo.find(docs, "Deployment", s.name()), "spec.template.spec.securityContext.runAsUser");
        return DockerfileChecker.check(s, text, env, user);
    }

    private static String dockerfile(Platform.Service s) throws IOException {
        return Files.readString(Repo.root().resolve(s.name()).resolve("src/main/docker/Dockerfile.jvm"));
    }

    @Test
    void everyServiceImageMatchesItsDeployment() throws IOException {
        for (Platform.Service s : Platform.SERVICES) {
            List<String> v = check(s, dockerfile(s));
            assertTrue(v.isEmpty(), String.join("\n", v));
        }
    }

    @Test
    void continuationLinesAndCommentsAreHandled() {
        List<DockerfileChecker.Instruction> parsed = DockerfileChecker.parse("""
                # comment
                FROM a AS b
                RUN one \\
                    two
                ENV X=1 \\
                    Y=2
                """);
        assertEquals(3, parsed.size());
        assertEquals("one  two", parsed.get(1).args());
        assertEquals("ENV", parsed.get(2).keyword());
    }

    @Test
    void brokenDockerfilesAreReported() throws IOException {
        Platform.Service worker = Platform.service("sft-worker").orElseThrow();
        Platform.Service gateway = Platform.service("gateway").orElseThrow();
        String w = dockerfile(worker);
        String g = dockerfile(gateway);
        assertTrue(check(gateway, g.replace("EXPOSE 8080", "EXPOSE 8081")).contains(
                "gateway/src/main/docker/Dockerfile.jvm: does not EXPOSE 8080"));
        assertTrue(check(gateway, g.replace("DJL_OFFLINE=true", "DJL_OFFLINE=false")).stream()
                .anyMatch(v -> v.contains("ENV DJL_OFFLINE=true is missing")));
        assertTrue(check(gateway, g.replace("USER 1001", "USER root")).stream()
                .anyMatch(v -> v.contains("does not run as USER 1001")));
        assertTrue(check(worker, w.replace("PYTORCH_LIBRARY_PATH=/opt/libtorch", "")).stream()
                .anyMatch(v -> v.contains("ENV PYTORCH_LIBRARY_PATH=")));
        assertTrue(check(worker, w.replace("ARG PYTORCH_FLAVOR=cpu", "ARG PYTORCH_FLAVOR=cu128")).stream()
                .anyMatch(v -> v.contains("must start with ARG PYTORCH_FLAVOR=cpu")));
        // moving the download into the runtime stage is a run-time download
        String moved = w.replace("COPY --from=libtorch /opt/libtorch /opt/libtorch",
                "RUN curl -fsSL https://publish.djl.ai/pytorch/2.7.1/files.txt");
        assertTrue(check(worker, moved).stream().anyMatch(v -> v.contains("the runtime image downloads natives")));
        assertTrue(check(worker, moved).stream().anyMatch(v -> v.contains("does not copy libtorch")));
    }
}
