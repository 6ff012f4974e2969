package dev.tuneline.gateway.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /v1/jobs}. */
@Schema(description = "A training or evaluation job to run")
public record JobCreateRequest(
        @Schema(description = "Job type", enumeration = {"sft", "reward", "eval"}, example = "sft")
        @NotNull(message = "type is required (sft, reward or eval)")
        @Pattern(regexp = "sft|reward|eval", message = "type must be one of sft, reward, eval")
        String type,
        @Schema(description = "Registered dataset name", example = "code_alpaca_2k")
        @NotBlank(message = "dataset is required")
        @Size(max = 200, message = "dataset name is at most 200 characters")
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*", message = "dataset name may hold letters, digits, '.', '_' and '-' only")
        String dataset,
        @Schema(description = "sft and reward: the base model, a preset (tiny-gpt2, tiny-opt) or a checkpoint directory under "
                + "the model root (or the bundled data/models); eval: the id of a registered model to evaluate (GET /v1/models)",
                example = "tiny-gpt2")
        @NotBlank(message = "baseModel is required")
        @Size(max = 400, message = "baseModel is at most 400 characters")
        String baseModel,
        @Schema(description = "Hyper-parameters; omitted fields take their defaults")
        @Valid
        JobParams config) {
}
