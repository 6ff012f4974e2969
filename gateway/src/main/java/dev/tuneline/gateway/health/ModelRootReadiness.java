package dev.tuneline.gateway.health;

import dev.tuneline.gateway.service.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the model root is a readable directory (broker and database have their own readiness checks). */
@Readiness
@ApplicationScoped
public class ModelRootReadiness implements HealthCheck {
    @Inject
    ModelRegistry registry;

    @Override
    public HealthCheckResponse call() {
        Path root = registry.modelRoot();
        boolean ok = Files.isDirectory(root) && Files.isReadable(root);
        return HealthCheckResponse.named("model-root").status(ok).withData("path", root.toString()).build();
    }
}
