/** LoRA adapters compatible with PEFT: {@link dev.tuneline.llm.lora.Lora}, {@link dev.tuneline.llm.lora.LoraConfig}. */
package dev.tuneline.llm.lora;
