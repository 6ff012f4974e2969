package dev.tuneline.gateway.inference;

import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.PromptTemplate;
import java.util.List;

/**
 * Renders chat messages into one prompt with the model's single-turn template: system messages first (joined by
 * blank lines), then every earlier user/assistant exchange as a complete training example (prompt + response +
 * EOS), then the last user message as a prompt for the answer.
 */
public final class ChatPrompt {
    /**
     * One chat message.
     *
     * @param role system, user or assistant
     * @param content its text
     */
    public record Message(String role, String content) {
    }

    private ChatPrompt() {
    }

    /**
     * Checks roles and order: roles are system, user or assistant; an assistant message follows a user message; the
     * last non-system message is from the user.
     *
     * @throws IllegalArgumentException naming the message at fault
     */
    public static void validate(List<Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("messages must hold at least one user message");
        }
        boolean pendingUser = false;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m == null || m.role() == null) {
                throw new IllegalArgumentException("messages[" + i + "].role is required");
            }
            if (m.content() == null) {
                throw new IllegalArgumentException("messages[" + i + "].content is required");
            }
            switch (m.role()) {
                case "system", "developer" -> { }
                case "user" -> pendingUser = true;
                case "assistant" -> {
                    if (!pendingUser) {
                        throw new IllegalArgumentException("messages[" + i + "]: an assistant message must follow a "
                                + "user message");
                    }
                    pendingUser = false;
                }
                default -> throw new IllegalArgumentException("messages[" + i + "].role must be system, user or "
                        + "assistant, got '" + m.role() + "'");
            }
        }
        if (!pendingUser) {
            throw new IllegalArgumentException("the last message (besides system ones) must be from the user");
        }
    }

    /** The prompt text for {@code messages} (validated) with {@code template}, {@code eosToken} ending each exchange. */
    public static String render(List<Message> messages, PromptTemplate template, String eosToken) {
        validate(messages);
        StringBuilder system = new StringBuilder();
        StringBuilder turns = new StringBuilder();
        String user = null;
        int row = 0;
        for (Message m : messages) {
            switch (m.role()) {
                case "system", "developer" -> system.append(system.length() == 0 ? "" : "\n\n").append(m.content());
                case "user" -> user = user == null ? m.content() : user + "\n\n" + m.content();
                default -> {
                    turns.append(template.renderFull(new InstructionRow(row++, user, "", m.content()), eosToken));
                    user = null;
                }
            }
        }
        turns.append(template.renderPrompt(new InstructionRow(row, user, "", "")));
        return system.length() == 0 ? turns.toString() : system + "\n\n" + turns;
    }
}
