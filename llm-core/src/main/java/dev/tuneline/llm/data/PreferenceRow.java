package dev.tuneline.llm.data;

import java.util.Objects;

/**
 * One pairwise preference row ({@code prompt}, {@code chosen}, {@code rejected}, optional {@code margin}), as in
 * synthetic-instruct-gptj-pairwise and hh-rlhf.
 *
 * @param row 0-based index of the row in its file
 * @param prompt the prompt, plain or already rendered (hh-rlhf: {@code \n\nHuman: ...\n\nAssistant:})
 * @param chosen the preferred response
 * @param rejected the other response
 * @param margin optional preference strength, {@code null} when absent
 */
public record PreferenceRow(int row, String prompt, String chosen, String rejected, Float margin) {

    /** Validates non-null texts. */
    public PreferenceRow {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
    }

    /** The prompt and one side as an instruction row, so templates render both layouts the same way. */
    public InstructionRow asInstruction(boolean chosenSide) {
        return new InstructionRow(row, prompt, "", chosenSide ? chosen : rejected);
    }
}
