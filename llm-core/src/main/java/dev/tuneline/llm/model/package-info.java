/**
 * Decoder-only language models on DJL that match HuggingFace transformers: {@link dev.tuneline.llm.model.LmConfig},
 * {@link dev.tuneline.llm.model.CausalLm} ({@link dev.tuneline.llm.model.OptForCausalLm},
 * {@link dev.tuneline.llm.model.Gpt2ForCausalLm}), {@link dev.tuneline.llm.model.RewardModel}, HF checkpoints in
 * and out ({@link dev.tuneline.llm.model.Checkpoints}, {@link dev.tuneline.llm.model.SafeTensors}) and the
 * {@link dev.tuneline.llm.model.KvCache} used by generation.
 */
package dev.tuneline.llm.model;
