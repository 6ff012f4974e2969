package dev.tuneline.llm.lora;

import java.util.List;

/**
 * LoRA hyper-parameters as PEFT names them: rank {@code r}, {@code lora_alpha}, {@code lora_dropout}
 * and {@code target_modules} (leaf module names such as {@code q_proj}, {@code v_proj}, or GPT-2's
 * {@code c_attn}; a full dotted path also matches). The update is scaled by {@code alpha / r}.
 */
public record LoraConfig(int r, float alpha, float dropout, List<String> targetModules) {

    /** Validates and copies the target list. */
    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("LoRA rank r must be > 0, got " + r);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("lora_alpha must be > 0, got " + alpha);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules must name at least one module");
        }
        targetModules = List.copyOf(targetModules);
    }

    /** The reference lab's SFT setting: r 16, alpha 32, dropout 0.05, on q_proj and v_proj. */
    public static LoraConfig defaults() {
        return new LoraConfig(16, 32f, 0.05f, List.of("q_proj", "v_proj"));
    }

    /** {@code alpha / r}. */
    public float scaling() {
        return alpha / r;
    }

    /** PEFT's rule: a module path matches a target equal to it or ending in {@code "." + target}. */
    public boolean matches(String modulePath) {
        for (String t : targetModules) {
            if (modulePath.equals(t) || modulePath.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }
}
