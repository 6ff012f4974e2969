package dev.tuneline.gateway.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /v1/models}: register a HuggingFace checkpoint directory that lies under the model root. */
@Schema(description = "Import a checkpoint directory (config.json + model.safetensors, tokenizer files optional)")
public record ModelImportRequest(
        @Schema(description = "Model id to register (letters, digits, '.', '_', '-'; not a UUID)", example = "gpt2-base")
        @NotBlank(message = "name is required") String name,
        @Schema(description = "Directory relative to the model root", example = "imports/gpt2-base")
        @NotBlank(message = "path is required") @Size(max = 400, message = "path is at most 400 characters") String path,
        @Schema(description = "causal-lm or reward (default: from config.json's architectures)") String kind,
        @Schema(description = "Prompt template for chat and scoring (alpaca, question-answer, human-assistant, raw)") String template,
        @Schema(description = "Free text") @Size(max = 2000, message = "description is at most 2000 characters") String description) {
}
