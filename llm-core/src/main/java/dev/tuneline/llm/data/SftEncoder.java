package dev.tuneline.llm.data;

import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns instruction rows into ids and labels for supervised fine-tuning: loss on the response and its EOS only.
 *
 * <p>Boundary: the row is rendered twice, prompt alone ({@link PromptTemplate#renderPrompt}) and prompt + response
 * + EOS text ({@link PromptTemplate#renderFull}), and both are tokenized with special tokens (BOS when the tokenizer
 * adds one). If the prompt ids are a prefix of the full ids, the boundary is the prompt length. Otherwise BPE merged
 * the end of the prompt with the start of the response (e.g. a prompt ending in {@code "\n\n"} is one token alone
 * but two before text); the boundary is then the length of the longest common prefix, so the merged token counts
 * as response and is trained on (the first answer token is never lost). Template token ids are never searched.
 *
 * <p>Labels: {@link #IGNORE_INDEX} on the boundary's prompt tokens, the token id on every response token including
 * the EOS. Truncation keeps the first {@code maxSeqLength} tokens (as TRL's SFTTrainer); a row whose response is
 * entirely cut away has no label and {@link #encodeAll} skips and reports it, as it does rows with an empty output
 * (they would only teach an immediate EOS).
 *
 * <p>Thread-safe when the tokenizer is (TextTokenizer is).
 */
public final class SftEncoder {

    /** Label of positions without a loss (PyTorch's and HF's ignore_index). */
    public static final int IGNORE_INDEX = -100;

    private final TextTokenizer tokenizer;
    private final PromptTemplate template;
    private final int maxSeqLength;

    /**
     * An encoder.
     *
     * @throws IllegalArgumentException when maxSeqLength &lt; 2 or the tokenizer does not map its EOS text to its
     *         EOS id (then appending the EOS as text would not teach the EOS)
     */
    public SftEncoder(TextTokenizer tokenizer, PromptTemplate template, int maxSeqLength) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.template = Objects.requireNonNull(template, "template");
        if (maxSeqLength < 2) {
            throw new IllegalArgumentException("maxSeqLength must be at least 2, got " + maxSeqLength);
        }
        this.maxSeqLength = maxSeqLength;
        int[] probe = tokenizer.encode("x" + tokenizer.eosToken(), false);
        if (probe.length == 0 || probe[probe.length - 1] != tokenizer.eosId()) {
            throw new IllegalArgumentException("tokenizer " + tokenizer.source() + " does not map its EOS text '"
                    + tokenizer.eosToken() + "' to id " + tokenizer.eosId());
        }
    }

    /** The template in use. */
    public PromptTemplate template() {
        return template;
    }

    /** The tokenizer in use. */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** The length limit. */
    public int maxSeqLength() {
        return maxSeqLength;
    }

    /**
     * Encodes one row (also rows that {@link #encodeAll} would skip: check {@link EncodedSft#trainedTokens()}).
     */
    public EncodedSft encode(InstructionRow row) {
        int[] prompt = tokenizer.encode(template.renderPrompt(row), true);
        int[] full = tokenizer.encode(template.renderFull(row, tokenizer.eosToken()), true);
        if (full.length == 0 || full[full.length - 1] != tokenizer.eosId()) {
            throw new IllegalStateException("row " + row.row() + ": tokenized training text does not end with EOS id "
                    + tokenizer.eosId());
        }
        int boundary = boundary(prompt, full);
        boolean merged = boundary < prompt.length;
        boolean truncated = full.length > maxSeqLength;
        int[] ids = truncated ? Arrays.copyOf(full, maxSeqLength) : full;
        int[] labels = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            labels[i] = i < boundary ? IGNORE_INDEX : ids[i];
        }
        return new EncodedSft(row.row(), ids, labels, boundary, truncated, merged);
    }

    /** Encodes all rows, skipping (and reporting) rows with an empty output or a fully truncated response. */
    public EncodeReport encodeAll(List<InstructionRow> rows) {
        List<EncodedSft> encoded = new ArrayList<>(rows.size());
        List<EncodeReport.SkippedRow> skipped = new ArrayList<>();
        int truncated = 0;
        int merges = 0;
        long trained = 0;
        long total = 0;
        for (InstructionRow row : rows) {
            if (row.output().isEmpty()) {
                skipped.add(new EncodeReport.SkippedRow(row.row(),
                        "output is empty (training on it would only teach an immediate EOS)"));
                continue;
            }
            EncodedSft e = encode(row);
            int rowTrained = e.trainedTokens();
            if (rowTrained == 0) {
                skipped.add(new EncodeReport.SkippedRow(row.row(), "response fully truncated: the prompt is "
                        + e.promptTokens() + " tokens and max_seq_length is " + maxSeqLength));
                continue;
            }
            encoded.add(e);
            truncated += e.truncated() ? 1 : 0;
            merges += e.boundaryMerged() ? 1 : 0;
            trained += rowTrained;
            total += e.length();
        }
        return new EncodeReport(List.copyOf(encoded), List.copyOf(skipped), truncated, merges, trained, total);
    }

    /**
     * The prompt/response boundary in {@code full}: {@code prompt.length} when {@code prompt} is a prefix of
     * {@code full}, else the length of their longest common prefix (the merged token becomes response).
     */
    public static int boundary(int[] prompt, int[] full) {
        int n = Math.min(prompt.length, full.length);
        int i = 0;
        while (i < n && prompt[i] == full[i]) {
            i++;
        }
        return i;
    }
}
