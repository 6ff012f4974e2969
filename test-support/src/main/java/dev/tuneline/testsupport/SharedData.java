package dev.tuneline.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's sibling {@code shared/data} folder for tests. */
public final class SharedData {
    private SharedData() {
    }

    /** The shared data root ({@code <repo>/../shared/data}). */
    public static Path root() {
        String prop = System.getProperty("tuneline.shared.dir");
        Path shared = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        Path data = shared.resolve("data").toAbsolutePath().normalize();
        if (!Files.isDirectory(data)) {
            throw new IllegalStateException("shared data not found at " + data);
        }
        return data;
    }
}
