package dev.tuneline.gateway.inference;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes tokens one by one into pieces of text that concatenate to the decoded text: a token that ends inside a
 * multi-byte character yields {@code ""} and the token completing it yields the whole character.
 */
final class TokenText {
    private final LoadedModel model;
    private final List<Integer> tokens = new ArrayList<>();
    private int pendingFrom;

    TokenText(LoadedModel model) {
        this.model = model;
    }

    /** The text {@code token} completes ({@code ""} while a character is still incomplete). */
    String next(int token) {
        tokens.add(token);
        String text = pending();
        if (text.endsWith("\uFFFD")) {
            return "";
        }
        pendingFrom = tokens.size();
        return text;
    }

    /** The text of tokens that never completed a character (as the tokenizer decodes them), {@code ""} if none. */
    String rest() {
        return pendingFrom == tokens.size() ? "" : pending();
    }

    private String pending() {
        return model.decode(tokens.subList(pendingFrom, tokens.size()).stream().mapToInt(Integer::intValue).toArray());
    }
}
