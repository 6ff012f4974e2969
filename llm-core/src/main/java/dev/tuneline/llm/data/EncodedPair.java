package dev.tuneline.llm.data;

/**
 * One encoded preference pair: both sides are BOS (when the tokenizer adds one) + prompt + response + EOS, after
 * truncation. Arrays are owned by the record.
 *
 * @param row the source row number
 * @param chosenIds ids of the chosen side
 * @param rejectedIds ids of the rejected side
 * @param margin the row's margin, {@code null} when absent
 */
public record EncodedPair(int row, int[] chosenIds, int[] rejectedIds, Float margin) {
}
