package dev.tuneline.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** Wire types of the OpenAI-compatible endpoints (snake_case, as the OpenAI API spells them). */
public final class OpenAiTypes {
    private OpenAiTypes() {
    }

    /** Body of {@code POST /v1/completions}; unsupported OpenAI options are refused with a 400 naming them. */
    public record CompletionRequest(String model, JsonNode prompt, @JsonProperty("max_tokens") Integer maxTokens,
            Double temperature, @JsonProperty("top_p") Double topP, Integer n, Boolean stream, Integer logprobs,
            Boolean echo, JsonNode stop, Long seed, @JsonProperty("presence_penalty") Double presencePenalty,
            @JsonProperty("frequency_penalty") Double frequencyPenalty, @JsonProperty("best_of") Integer bestOf,
            String suffix, @JsonProperty("logit_bias") JsonNode logitBias, @JsonProperty("top_k") Integer topK,
            @JsonProperty("repetition_penalty") Double repetitionPenalty,
            @JsonProperty("stream_options") JsonNode streamOptions) {
    }

    /** Body of {@code POST /v1/chat/completions}. */
    public record ChatRequest(String model, List<ChatMessage> messages, @JsonProperty("max_tokens") Integer maxTokens,
            @JsonProperty("max_completion_tokens") Integer maxCompletionTokens, Double temperature,
            @JsonProperty("top_p") Double topP, Integer n, Boolean stream, JsonNode stop, Long seed, Boolean logprobs,
            @JsonProperty("top_logprobs") Integer topLogprobs, @JsonProperty("presence_penalty") Double presencePenalty,
            @JsonProperty("frequency_penalty") Double frequencyPenalty, @JsonProperty("logit_bias") JsonNode logitBias,
            @JsonProperty("top_k") Integer topK, @JsonProperty("repetition_penalty") Double repetitionPenalty,
            @JsonProperty("stream_options") JsonNode streamOptions) {
    }

    /** A chat message: content is a string or a list of text parts. */
    public record ChatMessage(String role, JsonNode content, String name) {
    }

    /** Token counts. */
    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens, @JsonProperty("total_tokens") int totalTokens) {
    }

    /** A text completion (also each streamed chunk, with object text_completion). */
    public record Completion(String id, String object, long created, String model, List<CompletionChoice> choices,
            @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {
    }

    /** One completion choice. */
    public record CompletionChoice(String text, int index, CompletionLogprobs logprobs,
            @JsonProperty("finish_reason") String finishReason) {
    }

    /** Legacy completions log-probs: parallel lists over the returned tokens. */
    public record CompletionLogprobs(List<String> tokens, @JsonProperty("token_logprobs") List<Float> tokenLogprobs,
            @JsonProperty("top_logprobs") List<Map<String, Float>> topLogprobs,
            @JsonProperty("text_offset") List<Integer> textOffset) {
    }

    /** A chat completion, or a streamed chunk (object chat.completion.chunk, choices with delta). */
    public record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices,
            @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {
    }

    /** One chat choice: message (whole answer) or delta (chunk). */
    public record ChatChoice(int index, @JsonInclude(JsonInclude.Include.NON_NULL) AssistantMessage message,
            @JsonInclude(JsonInclude.Include.NON_NULL) AssistantMessage delta, ChatLogprobs logprobs,
            @JsonProperty("finish_reason") String finishReason) {
    }

    /** The assistant's message or a delta of it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AssistantMessage(String role, String content) {
    }

    /** Chat log-probs. */
    public record ChatLogprobs(List<ChatTokenLogprob> content) {
    }

    /** One chat token with its alternatives. */
    public record ChatTokenLogprob(String token, float logprob, List<Integer> bytes,
            @JsonProperty("top_logprobs") List<ChatTopLogprob> topLogprobs) {
    }

    /** An alternative chat token. */
    public record ChatTopLogprob(String token, float logprob, List<Integer> bytes) {
    }
}
