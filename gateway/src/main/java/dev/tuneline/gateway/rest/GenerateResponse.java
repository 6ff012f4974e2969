package dev.tuneline.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Answer of {@code POST /v1/generate}.
 *
 * @param model model id
 * @param results one per prompt, in order
 * @param usage token counts
 */
public record GenerateResponse(String model, List<Result> results, Usage usage) {

    /**
     * One continuation.
     *
     * @param index prompt index
     * @param text generated text (ends before a stop string)
     * @param tokens generated token ids
     * @param finishReason stop (EOS or stop string) or length
     * @param promptTokens prompt length in tokens
     * @param tokenLogprobs log-probability of each generated token (when asked)
     * @param promptLogprobs log-probability of each prompt token, the first null (when asked)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(int index, String text, int[] tokens, String finishReason, int promptTokens,
            List<Float> tokenLogprobs, List<Float> promptLogprobs) {
    }

    /**
     * Token counts.
     *
     * @param promptTokens prompt tokens read
     * @param completionTokens tokens generated
     * @param totalTokens both
     */
    public record Usage(int promptTokens, int completionTokens, int totalTokens) {
    }

    /**
     * A streamed event of {@code POST /v1/generate} with {@code stream: true}: one per token, then a final one with
     * {@code done} and the whole result.
     *
     * @param token token id (token events)
     * @param text the token's piece of text (token events)
     * @param logprob its log-probability (token events, when asked)
     * @param done true on the final event
     * @param result the whole result (final event)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamEvent(Integer token, String text, Float logprob, Boolean done, Result result) {
    }
}
