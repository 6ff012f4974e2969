package dev.tuneline.gateway.rest;

import dev.tuneline.gateway.inference.DecodeOptions;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /v1/generate}: prompt(s) and every decoding option (HuggingFace names and defaults). */
@Schema(description = "Text generation with a causal LM")
public record GenerateRequest(
        @Schema(description = "Model id (GET /v1/models)", example = "3f0c1d2e-...") @NotBlank(message = "model is required") String model,
        @Schema(description = "One prompt (or use prompts)") String prompt,
        @Schema(description = "Several prompts, decoded in one batch (at most tuneline.gateway.inference.max-prompts-per-request)") List<String> prompts,
        @Schema(description = "Render each prompt as the instruction of this template (alpaca, question-answer, human-assistant, raw), or 'model' for the model's own; omitted: the prompt is used verbatim") String template,
        @Schema(description = "New tokens at most (default 32, capped by tuneline.gateway.inference.max-new-tokens); 0 only scores the prompt") Integer maxNewTokens,
        @Schema(description = "Sample instead of greedy decoding (default false)") Boolean doSample,
        @Schema(description = "Sampling temperature > 0 (default 1)") Float temperature,
        @Schema(description = "Top-k filter, 0 = off (default 50)") Integer topK,
        @Schema(description = "Nucleus filter in (0, 1] (default 1)") Float topP,
        @Schema(description = "HF repetition penalty > 0, 1 = off (default 1)") Float repetitionPenalty,
        @Schema(description = "Beam width (default 1: no beam search)") Integer numBeams,
        @Schema(description = "Beam-search length penalty exponent (default 1)") Float lengthPenalty,
        @Schema(description = "Sampling seed (default random)") Long seed,
        @Schema(description = "Stop strings: the text ends before the first one") List<String> stop,
        @Schema(description = "Keep generating past the end-of-sequence token (default false)") Boolean ignoreEos,
        @Schema(description = "Return per-token log-probabilities of the generated tokens (default false)") Boolean returnLogprobs,
        @Schema(description = "Return the prompt tokens' log-probabilities (default false)") Boolean promptLogprobs,
        @Schema(description = "Stream tokens as Server-Sent Events (one prompt only)") Boolean stream,
        @Schema(description = "Timeout in seconds (default and maximum: tuneline.gateway.inference.timeout)") Double timeoutSeconds) {

    /** The prompts of the request (prompt or prompts, exactly one of them). */
    public List<String> allPrompts() {
        if ((prompt == null) == (prompts == null)) {
            throw new IllegalArgumentException("give exactly one of prompt and prompts");
        }
        if (prompts != null && prompts.stream().anyMatch(p -> p == null)) {
            throw new IllegalArgumentException("prompts must not hold null");
        }
        return prompt != null ? List.of(prompt) : prompts;
    }

    /** The decoding options with their defaults, for {@code maxNewTokens} checked by the caller. */
    public DecodeOptions options(int newTokens) {
        DecodeOptions o = new DecodeOptions(newTokens, Boolean.TRUE.equals(doSample), temperature == null ? 1f : temperature,
                topK == null ? 50 : topK, topP == null ? 1f : topP, repetitionPenalty == null ? 1f : repetitionPenalty,
                numBeams == null ? 1 : numBeams, lengthPenalty == null ? 1f : lengthPenalty, seed, stop,
                Boolean.TRUE.equals(ignoreEos), Boolean.TRUE.equals(promptLogprobs));
        o.validate();
        return o;
    }
}
