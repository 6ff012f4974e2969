package dev.tuneline.llm.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates /work/shared/data for tests (surefire sets {@code tuneline.shared.dir}). */
public final class SharedData {
    private SharedData() {}

    /** {@code <shared>/data/<relative>}, failing clearly when absent. */
    public static Path path(String relative) {
        String dir = System.getProperty("tuneline.shared.dir", "../../shared");
        Path p = Path.of(dir, "data", relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("shared test data missing: " + p.toAbsolutePath());
        }
        return p;
    }
}
