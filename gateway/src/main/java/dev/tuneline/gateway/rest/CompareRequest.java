package dev.tuneline.gateway.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /v1/compare}. */
@Schema(description = "Which of two responses a reward model prefers")
public record CompareRequest(
        @Schema(description = "Reward model id") @NotBlank(message = "model is required") String model,
        @Schema(description = "The prompt") @NotNull(message = "prompt is required") String prompt,
        @Schema(description = "First response") @NotNull(message = "a is required") String a,
        @Schema(description = "Second response") @NotNull(message = "b is required") String b,
        @Schema(description = "Template (as in /v1/score)") String template,
        @Schema(description = "Timeout in seconds") Double timeoutSeconds) {
}
