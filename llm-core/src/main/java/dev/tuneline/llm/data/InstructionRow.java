package dev.tuneline.llm.data;

import java.util.Objects;

/**
 * One instruction-tuning row in the CodeAlpaca layout; {@code row} is its 0-based index in the source file.
 *
 * @param row 0-based index of the row in its file (stable through splits and filters, used in every report)
 * @param instruction the task
 * @param input optional context, {@code ""} when absent
 * @param output the response the model learns
 */
public record InstructionRow(int row, String instruction, String input, String output) {

    /** Validates non-null fields; {@code input} may be empty. */
    public InstructionRow {
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }

    /** Whether the row has no input (the reference lab trains on these only). */
    public boolean hasEmptyInput() {
        return input.isEmpty();
    }
}
