package dev.tuneline.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a real PostgreSQL server (zonky's linux-amd64 binaries, works as root) on loopback with its data in a
 * project folder, creates the {@code tuneline} role and database, and keeps it up until this process is stopped.
 * Usage: {@code PostgresMain <dataDir> <port>}.
 */
public final class PostgresMain {
    private PostgresMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args.length > 0 ? args[0] : ".stack/pg").toAbsolutePath();
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 5432;
        Files.createDirectories(dataDir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = 'tuneline'")) {
                if (!rs.next()) {
                    st.execute("CREATE ROLE tuneline LOGIN PASSWORD 'tuneline'");
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'tuneline'")) {
                if (!rs.next()) {
                    st.execute("CREATE DATABASE tuneline OWNER tuneline");
                }
            }
        }
        System.out.println("postgres ready on 127.0.0.1:" + port + " data " + dataDir);
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception e) {
                System.err.println("postgres stop failed: " + e);
            }
            forever.countDown();
        }, "postgres-stop"));
        forever.await();
    }
}
