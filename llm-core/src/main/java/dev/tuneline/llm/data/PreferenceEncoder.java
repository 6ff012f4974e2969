package dev.tuneline.llm.data;

import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encodes preference rows for reward modelling: each side is rendered with the template as prompt + response + EOS
 * text and tokenized with special tokens.
 *
 * <p>Truncation to {@code maxLength}, per side: first tokens are removed from the left of the prompt (after the BOS,
 * which stays), up to the whole prompt; if the side is still too long, the response is cut from the right (the EOS
 * goes first). The prompt/response boundary is found as in {@link SftEncoder#boundary}. Pairs whose two sides are
 * identical after truncation carry no preference signal: {@link #encodeAll} drops and reports them.
 *
 * <p>Thread-safe when the tokenizer is.
 */
public final class PreferenceEncoder {

    private final TextTokenizer tokenizer;
    private final PromptTemplate template;
    private final int maxLength;

    /** An encoder; {@code maxLength} is the longest side in tokens. */
    public PreferenceEncoder(TextTokenizer tokenizer, PromptTemplate template, int maxLength) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.template = Objects.requireNonNull(template, "template");
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /** One tokenized side and whether it was cut. */
    private record Side(int[] ids, boolean truncated) {
    }

    /** Encodes one row (identical sides are returned as they are; {@link #encodeAll} drops them). */
    public EncodedPair encode(PreferenceRow row) {
        return new EncodedPair(row.row(), side(row.asInstruction(true)).ids(),
                side(row.asInstruction(false)).ids(), row.margin());
    }

    /** Encodes all rows, dropping pairs whose sides are identical after truncation. */
    public PreferenceReport encodeAll(List<PreferenceRow> rows) {
        List<EncodedPair> pairs = new ArrayList<>(rows.size());
        List<EncodeReport.SkippedRow> dropped = new ArrayList<>();
        int truncated = 0;
        for (PreferenceRow row : rows) {
            Side chosen = side(row.asInstruction(true));
            Side rejected = side(row.asInstruction(false));
            if (Arrays.equals(chosen.ids(), rejected.ids())) {
                dropped.add(new EncodeReport.SkippedRow(row.row(), row.chosen().equals(row.rejected())
                        ? "chosen and rejected are the same text"
                        : "chosen and rejected are identical after truncation to " + maxLength + " tokens"));
                continue;
            }
            pairs.add(new EncodedPair(row.row(), chosen.ids(), rejected.ids(), row.margin()));
            truncated += chosen.truncated() || rejected.truncated() ? 1 : 0;
        }
        return new PreferenceReport(List.copyOf(pairs), List.copyOf(dropped), truncated);
    }

    private Side side(InstructionRow side) {
        int[] full = tokenizer.encode(template.renderFull(side, tokenizer.eosToken()), true);
        if (full.length <= maxLength) {
            return new Side(full, false);
        }
        int boundary = SftEncoder.boundary(tokenizer.encode(template.renderPrompt(side), true), full);
        int head = tokenizer.addsBos() && full[0] == tokenizer.bosId() ? 1 : 0;
        int cut = Math.min(full.length - maxLength, Math.max(0, boundary - head));
        int[] out = new int[Math.min(full.length - cut, maxLength)];
        System.arraycopy(full, 0, out, 0, head);
        System.arraycopy(full, head + cut, out, head, out.length - head);
        return new Side(out, true);
    }
}
