package dev.tuneline.llm.data;

import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.util.Arrays;

/**
 * Shows what a model is trained on: the text of an encoded example with the masked (no-loss) part marked. Special
 * tokens are shown as text ({@code </s>}), so a missing or masked EOS is visible.
 *
 * <p>{@link #render} gives the text with masked runs wrapped in {@code ⟦…⟧} (or dimmed with ANSI colours, trained
 * runs green); {@link #renderTokens} gives one line per token: position, id, token text, label.
 */
public final class MaskRenderer {

    /** Opens a masked run in plain output. */
    public static final String MASK_OPEN = "⟦";
    /** Closes a masked run in plain output. */
    public static final String MASK_CLOSE = "⟧";

    private static final String DIM = "\u001b[2m";
    private static final String GREEN = "\u001b[32m";
    private static final String RESET = "\u001b[0m";

    private final TextTokenizer tokenizer;
    private final boolean ansi;

    /** A renderer; {@code ansi} selects terminal colours instead of bracket markers. */
    public MaskRenderer(TextTokenizer tokenizer, boolean ansi) {
        this.tokenizer = tokenizer;
        this.ansi = ansi;
    }

    /** A header line (tokens, trained, masked) followed by the text with masked runs marked. */
    public String render(SftSequence seq) {
        int[] ids = seq.inputIds();
        int[] labels = seq.labels();
        int trained = seq.trainedTokens();
        StringBuilder sb = new StringBuilder();
        sb.append(ids.length).append(" tokens: ").append(trained).append(" trained, ")
                .append(ids.length - trained).append(" masked ")
                .append(ansi ? "(dim)" : "(inside " + MASK_OPEN + MASK_CLOSE + ")");
        if (seq instanceof EncodedSft e) {
            sb.append(", row ").append(e.row());
            if (e.truncated()) {
                sb.append(", truncated");
            }
            if (e.boundaryMerged()) {
                sb.append(", BPE merged across the prompt/response boundary");
            }
        }
        sb.append('\n');
        int start = 0;
        while (start < ids.length) {
            boolean masked = labels[start] == SftEncoder.IGNORE_INDEX;
            int end = start;
            while (end < ids.length && (labels[end] == SftEncoder.IGNORE_INDEX) == masked) {
                end++;
            }
            String text = tokenizer.decode(Arrays.copyOfRange(ids, start, end), false);
            if (ansi) {
                sb.append(masked ? DIM : GREEN).append(text).append(RESET);
            } else {
                sb.append(masked ? MASK_OPEN : "").append(text).append(masked ? MASK_CLOSE : "");
            }
            start = end;
        }
        return sb.toString();
    }

    /** One line per token: position, id, escaped token text, label ({@code -100 masked} or the id). */
    public String renderTokens(SftSequence seq) {
        int[] ids = seq.inputIds();
        int[] labels = seq.labels();
        StringBuilder sb = new StringBuilder(String.format("%5s %7s  %-24s %s%n", "pos", "id", "token", "label"));
        for (int i = 0; i < ids.length; i++) {
            String piece = escape(tokenizer.decode(new int[] {ids[i]}, false));
            sb.append(String.format("%5d %7d  %-24s %s%n", i, ids[i], "'" + piece + "'",
                    labels[i] == SftEncoder.IGNORE_INDEX ? "-100 masked" : String.valueOf(labels[i])));
        }
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }
}
