package dev.tuneline.llm.data;

import java.util.List;

/**
 * What {@link PreferenceEncoder#encodeAll} produced and what it dropped.
 *
 * @param pairs usable pairs, in input order
 * @param dropped pairs left out (identical sides after truncation), with the reason
 * @param truncatedPairs usable pairs where at least one side was truncated
 */
public record PreferenceReport(List<EncodedPair> pairs, List<EncodeReport.SkippedRow> dropped,
                               int truncatedPairs) {

    /** One line for logs and API responses. */
    public String summary() {
        return pairs.size() + " pairs encoded, " + dropped.size() + " dropped as identical after truncation, "
                + truncatedPairs + " truncated";
    }
}
