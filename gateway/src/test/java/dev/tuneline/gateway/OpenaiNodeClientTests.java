package dev.tuneline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js/run-openai-test.sh} (the official {@code openai} npm client under node's test runner)
 * against this test's gateway. Skipped only where node is not installed or the locked client cannot be installed.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class OpenaiNodeClientTests {
    @TestHTTPResource("/")
    URL base;

    @Test
    void theOfficialOpenaiClientListsCompletesStreamsAndScoresPrompts() throws Exception {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"), "node and npm are not installed");
        Path js = Path.of("src/test/js").toAbsolutePath();
        if (!Files.isRegularFile(js.resolve("node_modules/openai/package.json"))) {
            Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(js.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Assumptions.assumeTrue(install.waitFor() == 0, "npm ci failed (offline?): " + out);
        }
        TestApi.importTestModels();
        Process p = new ProcessBuilder("bash", js.resolve("run-openai-test.sh").toString(),
                base.toString(), TestApi.KEY, TestModels.LM).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "node did not finish");
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("pass 6") && out.contains("fail 0"), out);
    }

    private static boolean onPath(String tool) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "command -v " + tool).start();
        return p.waitFor() == 0;
    }
}
