package dev.tuneline.llm.data;

/**
 * One encoded instruction row: ids and labels, {@link SftEncoder#IGNORE_INDEX} on prompt tokens, real ids on the
 * response and its EOS. Arrays are owned by the record: do not modify them (equality is by reference).
 *
 * @param row the source row number
 * @param inputIds token ids (BOS, prompt, response, EOS), at most max_seq_length
 * @param labels aligned labels
 * @param promptTokens tokens masked as prompt (the boundary), possibly more than {@code inputIds.length} when
 *        truncation removed the whole response
 * @param truncated whether max_seq_length cut the sequence (then the EOS is gone, or more)
 * @param boundaryMerged whether BPE merged the last prompt token with the response (see {@link SftEncoder})
 */
public record EncodedSft(int row, int[] inputIds, int[] labels, int promptTokens, boolean truncated,
                         boolean boundaryMerged) implements SftSequence {
}
