package dev.tuneline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The names the KEDA postgresql triggers rely on ({@link Platform.Service#schema()}, {@link Platform#JOBS_TABLE},
 * {@link Platform#BACKLOG_STATES}) are the ones the worker code uses: its configured schema, the table its
 * migrations create and the states its lease queries write.
 */
class WorkerBacklogTest {

    @Test
    void eachWorkerOwnsTheSchemaTheCheckerExpects() throws IOException {
        for (Platform.Service s : Platform.SERVICES) {
            if (!s.worker()) {
                continue;
            }
            Properties props = new Properties();
            try (Reader r = Files.newBufferedReader(
                    Repo.root().resolve(s.name()).resolve("src/main/resources/application.properties"))) {
                props.load(r);
            }
            assertEquals(s.schema(), props.getProperty("quarkus.flyway.schemas"), s.name());
            assertEquals(s.schema(), props.getProperty("quarkus.hibernate-orm.database.default-schema"), s.name());
        }
    }

    @Test
    void theWorkerMigrationsCreateTheJobsTableWithItsState() throws IOException {
        String sql;
        try (Stream<Path> files = Files.list(Repo.root().resolve("worker-support/src/main/resources/db/worker"))) {
            sql = files.filter(f -> f.toString().endsWith(".sql")).sorted().map(WorkerBacklogTest::read)
                    .collect(Collectors.joining("\n"));
        }
        assertTrue(Pattern.compile("(?is)CREATE TABLE " + Platform.JOBS_TABLE + "\\s*\\(.*\\bstate\\s+VARCHAR")
                .matcher(sql).find(), "no table " + Platform.JOBS_TABLE + " with a state column in:\n" + sql);
        String repository = read(Repo.root().resolve(
                "worker-support/src/main/java/dev/tuneline/worker/TrainingRunRepository.java"));
        for (String state : Platform.BACKLOG_STATES) {
            assertTrue(repository.contains("state = '" + state + "'"), "the lease queries never set state " + state);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
