package dev.tuneline.gateway.inference;

import java.nio.file.Path;

/**
 * Where a servable model lies and how to use it.
 *
 * @param id the model id of the API (a job id, or an imported name)
 * @param kind causal LM or reward model
 * @param dir checkpoint directory (HF layout), inside the model root
 * @param tokenizerDir where its tokenizer lies (the checkpoint, or the bundled one of its model_type)
 * @param template prompt template for chat and scoring, null for the kind's default
 */
public record ModelInfo(String id, ModelKind kind, Path dir, Path tokenizerDir, String template) {
}
