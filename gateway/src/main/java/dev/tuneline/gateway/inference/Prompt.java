package dev.tuneline.gateway.inference;

import java.util.Arrays;
import java.util.List;

/**
 * A prompt: text (tokenized with the model's tokenizer, BOS added when the tokenizer adds one), token ids, or chat
 * messages (rendered with a template on the worker, where the tokenizer's EOS text is known). Exactly one is set.
 *
 * @param text the prompt text
 * @param ids token ids
 * @param chat chat messages
 * @param template template name for chat messages
 */
public record Prompt(String text, int[] ids, List<ChatPrompt.Message> chat, String template) {
    /** A text prompt. */
    public static Prompt text(String text) {
        return new Prompt(text, null, null, null);
    }

    /** A token-id prompt. */
    public static Prompt ids(int[] ids) {
        return new Prompt(null, ids, null, null);
    }

    /** Chat messages to render with the template {@code template}. */
    public static Prompt chat(List<ChatPrompt.Message> messages, String template) {
        ChatPrompt.validate(messages);
        return new Prompt(null, null, List.copyOf(messages), template);
    }

    /** Whether two prompts are the same input. */
    public boolean sameAs(Prompt o) {
        return java.util.Objects.equals(text, o.text) && Arrays.equals(ids, o.ids) && java.util.Objects.equals(chat, o.chat);
    }
}
