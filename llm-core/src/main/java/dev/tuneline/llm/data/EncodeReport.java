package dev.tuneline.llm.data;

import java.util.List;

/**
 * What {@link SftEncoder#encodeAll} produced and what it left out.
 *
 * @param encoded rows that train on at least one token, in input order
 * @param skipped rows not trained on, with the reason
 * @param truncatedRows encoded rows cut by max_seq_length (still trained on their remaining response)
 * @param boundaryMerges encoded rows whose prompt/response boundary fell inside a BPE merge
 * @param trainedTokens positions with a loss over all encoded rows
 * @param totalTokens tokens over all encoded rows
 */
public record EncodeReport(List<EncodedSft> encoded, List<SkippedRow> skipped, int truncatedRows,
                           int boundaryMerges, long trainedTokens, long totalTokens) {

    /**
     * A row that is not trained on.
     *
     * @param row the source row number
     * @param reason why, in words
     */
    public record SkippedRow(int row, String reason) {
    }

    /** One line for logs and API responses. */
    public String summary() {
        return encoded.size() + " rows encoded (" + trainedTokens + " of " + totalTokens + " tokens trained), "
                + skipped.size() + " skipped" + (skipped.isEmpty() ? "" : " (rows " + skipped.stream().limit(10)
                .map(s -> String.valueOf(s.row())).reduce((a, b) -> a + ", " + b).orElse("")
                + (skipped.size() > 10 ? ", ..." : "") + ")")
                + ", " + truncatedRows + " truncated, " + boundaryMerges + " boundary merges";
    }
}
