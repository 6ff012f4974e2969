package dev.tuneline.llm.generate;

/**
 * One generated continuation.
 *
 * @param tokens the new tokens (prompt excluded; the EOS token is included when it ended the text)
 * @param tokenLogprobs log P(token | prefix) under the model's unprocessed distribution (before
 *     temperature, top-k/p and repetition penalty), one per token; null unless requested
 * @param promptLogprobs log P(prompt[i] | prompt[:i]) per prompt token, the first NaN; null unless
 *     requested
 * @param finishReason {@code "stop"} (EOS or a stop string), {@code "length"} (token budget) or
 *     {@code "cancelled"} (a {@link TokenListener} stopped the row)
 */
public record Generation(int[] tokens, float[] tokenLogprobs, float[] promptLogprobs, String finishReason) {

    /** Finished by EOS or a stop string. */
    public static final String STOP = "stop";
    /** Finished because the token budget (max new tokens / max length / positions) was used up. */
    public static final String LENGTH = "length";
    /** Stopped by a {@link TokenListener} (a client went away, or it has all the tokens it wants). */
    public static final String CANCELLED = "cancelled";

    /** The completion's tokens without the EOS that ended it (the text a user sees). */
    public int[] completionTokens(int eosTokenId) {
        int n = tokens.length > 0 && tokens[tokens.length - 1] == eosTokenId ? tokens.length - 1 : tokens.length;
        return java.util.Arrays.copyOf(tokens, n);
    }

    /** Sum of {@link #tokenLogprobs} (requires log-probs). */
    public double sumLogprob() {
        if (tokenLogprobs == null) {
            throw new IllegalStateException("generation was run without returnLogprobs");
        }
        double s = 0;
        for (float f : tokenLogprobs) {
            s += f;
        }
        return s;
    }
}
