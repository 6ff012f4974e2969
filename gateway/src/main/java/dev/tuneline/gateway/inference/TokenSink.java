package dev.tuneline.gateway.inference;

/**
 * Where a streaming {@link GenerateTask} hands each new token while it is generated (on the inference thread: keep it
 * quick). The {@code text} pieces concatenate to a prefix of the final completion's text: a piece is {@code ""} while a
 * multi-byte character is incomplete or while the text might be the start of a stop string, and a later piece releases
 * it.
 */
@FunctionalInterface
public interface TokenSink {

    /**
     * One new token.
     *
     * @param id token id
     * @param text the text this token releases (possibly empty)
     * @param logprob log P(token | prefix) under the raw model
     */
    void token(int id, String text, float logprob);
}
