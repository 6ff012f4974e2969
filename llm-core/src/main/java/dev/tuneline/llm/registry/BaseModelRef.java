package dev.tuneline.llm.registry;

import java.nio.file.Path;

/**
 * A resolved base model: where its tokenizer lies, and either a checkpoint directory (HF layout, with weights),
 * a config-only directory (random init from {@code config.json}), or a built-in tiny preset.
 *
 * @param name          the name the user gave
 * @param tokenizerDir  directory with tokenizer.json or vocab.json + merges.txt
 * @param modelDir      directory with config.json (and model.safetensors when {@code hasWeights}); null for presets
 * @param preset        built-in preset ({@code tiny-gpt2}, {@code tiny-opt}); null otherwise
 * @param hasWeights    true when {@code modelDir} holds weights to load
 */
public record BaseModelRef(String name, Path tokenizerDir, Path modelDir, String preset, boolean hasWeights) {
}
