package dev.tuneline.llm.generate;

/**
 * Receives each new token while a generation runs: with greedy decoding and sampling the moment it is chosen, with
 * beam search (whose tokens are not final until the search ends) the best hypothesis's tokens at the end.
 *
 * <p>Called on the generating thread, so it should be quick (hand the token to a queue, not to a socket).
 */
@FunctionalInterface
public interface TokenListener {

    /** A listener that takes every token and never stops a row. */
    TokenListener NONE = (row, token, logprob) -> true;

    /**
     * Token {@code token} was appended to prompt {@code row} of the batch.
     *
     * @param row the prompt's index in the batch
     * @param token the token id (the EOS that ends a row is reported too)
     * @param logprob log P(token | prefix) under the unprocessed distribution
     * @return false to finish that row now (its {@link Generation#finishReason()} becomes
     *     {@link Generation#CANCELLED} unless EOS or a stop string ended it with this token); ignored for beam search
     */
    boolean onToken(int row, int token, float logprob);

    /**
     * Prompt {@code row} is finished (EOS, stop string, budget or a stop asked by {@link #onToken}) while the other rows
     * of the batch may go on: {@code generation} is what {@link Generator#generate} will return for it, so a caller can
     * hand it out at once. Called once per row.
     */
    default void onFinished(int row, Generation generation) {
    }
}
