package dev.tuneline.gateway.inference;

import java.util.List;

/**
 * The result of one generation request, decoded on the worker thread.
 *
 * @param promptIds the prompt's token ids
 * @param tokens new tokens (cut at a stop string, and at the request's own budget)
 * @param text their text (special tokens skipped), ending before the first stop string
 * @param finishReason {@code stop} (EOS or stop string) or {@code length}
 * @param tokenDetail one entry per new token: its piece of {@code text}, log-probability, and alternatives when asked
 * @param promptDetail one entry per prompt token when echo log-probs were asked (the first has no log-prob), else null
 * @param promptLogprobs the generator's prompt log-probs (first NaN) when asked, else null
 */
public record Completion(int[] promptIds, int[] tokens, String text, String finishReason, List<TokenOut> tokenDetail,
        List<TokenOut> promptDetail, float[] promptLogprobs) {

    /**
     * One token of output.
     *
     * @param id token id
     * @param text its piece of the decoded text ({@code ""} while a multi-byte character is incomplete)
     * @param logprob log P(token | prefix) under the raw model, null for the first prompt token
     * @param top the most likely alternatives at this position (most likely first), null unless asked
     */
    public record TokenOut(int id, String text, Float logprob, List<Alt> top) {
    }

    /**
     * An alternative token.
     *
     * @param id token id
     * @param text its text alone
     * @param logprob its log-probability
     */
    public record Alt(int id, String text, float logprob) {
    }
}
