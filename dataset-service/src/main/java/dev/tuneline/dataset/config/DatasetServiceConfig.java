package dev.tuneline.dataset.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** dataset-service settings ({@code tuneline.*}). */
@ApplicationScoped
public class DatasetServiceConfig {
    @ConfigProperty(name = "tuneline.data-root")
    Path dataRoot;
    @ConfigProperty(name = "tuneline.model-root")
    Path modelRoot;
    @ConfigProperty(name = "tuneline.upload-max-bytes", defaultValue = "52428800")
    long uploadMaxBytes;
    @ConfigProperty(name = "tuneline.max-message-bytes", defaultValue = "700000")
    int maxMessageBytes;

    /** Root of bundled datasets and tokenizers. */
    public Path dataRoot() {
        return dataRoot;
    }

    /** Root of user models (base checkpoints); uploads go to its sibling {@code datasets}. */
    public Path modelRoot() {
        return modelRoot;
    }

    /** Largest upload accepted. */
    public long uploadMaxBytes() {
        return uploadMaxBytes;
    }

    /** Largest serialized batch sent to Kafka; bigger batches are split. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }
}
