package dev.tuneline.llm.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Saves the trained model in a user-facing layout (HF checkpoint, PEFT adapters, merged model). The trainer calls
 * {@link #writeFinal} once at the end and {@link #writeCheckpoint} in each checkpoint directory; its own resume
 * files do not depend on either.
 */
@FunctionalInterface
public interface ModelWriter {
    /** Writes the final model into {@code dir} (created, empty). */
    void writeFinal(Path dir) throws IOException;

    /** Writes extra files into a checkpoint directory; none by default. */
    default void writeCheckpoint(Path dir) throws IOException {}
}
