package dev.tuneline.gateway.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /v1/score}: one (prompt, response) or several pairs. */
@Schema(description = "Reward of responses under a reward model")
public record ScoreRequest(
        @Schema(description = "Reward model id (GET /v1/models)") @NotBlank(message = "model is required") String model,
        @Schema(description = "The prompt (with response)") String prompt,
        @Schema(description = "The response to score (with prompt)") String response,
        @Schema(description = "Several pairs instead of prompt/response") @Valid List<Pair> pairs,
        @Schema(description = "Template rendering prompt + response (default: the model's, else raw for \\n\\nHuman: prompts and human-assistant otherwise)") String template,
        @Schema(description = "Timeout in seconds") Double timeoutSeconds) {

    /**
     * One pair.
     *
     * @param prompt the prompt
     * @param response the response
     */
    public record Pair(@NotNull(message = "prompt is required") String prompt,
            @NotNull(message = "response is required") String response) {
    }

    /** The pairs (prompt/response or pairs, exactly one form). */
    public List<Pair> allPairs() {
        boolean single = prompt != null || response != null;
        if (single == (pairs != null)) {
            throw new IllegalArgumentException("give either prompt and response, or pairs");
        }
        if (single && (prompt == null || response == null)) {
            throw new IllegalArgumentException(prompt == null ? "prompt is required" : "response is required");
        }
        return single ? List.of(new Pair(prompt, response)) : pairs;
    }
}
