package dev.tuneline.llm.data;

/**
 * Several encoded rows concatenated into one sequence by {@link Packer}. Arrays are owned by the record.
 *
 * @param rows source row numbers, in order
 * @param inputIds concatenated ids
 * @param labels concatenated labels (each example keeps its own masking)
 * @param positionIds positions restarting at 0 for each example
 * @param segmentIds index of the example each position belongs to (0, 1, ...), for a block-diagonal mask
 */
public record PackedSft(int[] rows, int[] inputIds, int[] labels, int[] positionIds, int[] segmentIds)
        implements SftSequence {
}
