package dev.tuneline.llm.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A sacreBLEU reproducibility signature such as {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0}
 * (short form {@code #:1|c:mixed|e:no|tok:13a|s:exp|v:2.6.0}); the version always comes last.
 */
public final class Signature {

    /** The sacreBLEU version whose behaviour the metrics of this package reproduce. */
    public static final String SACREBLEU_VERSION = "2.6.0";

    private final List<String[]> entries;

    private Signature(List<String[]> entries) {
        this.entries = entries;
    }

    /** The long form, e.g. {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0}. */
    public String format() {
        return format(false);
    }

    /** The long form, or with {@code abbreviated} the short one ({@code #:1|c:mixed|...|v:2.6.0}). */
    public String format(boolean abbreviated) {
        StringBuilder sb = new StringBuilder();
        for (String[] e : entries) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(abbreviated ? e[1] : e[0]).append(':').append(e[2]);
        }
        return sb.toString();
    }

    /** The value of one long-form key ({@code nrefs}, {@code tok}, ...), or null when absent. */
    public String get(String key) {
        for (String[] e : entries) {
            if (e[0].equals(key)) {
                return e[2];
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return format(false);
    }

    /** sacreBLEU's nrefs value: the count when every segment has the same number of references, else "var". */
    static String nrefs(int[] refsPerSegment) {
        if (refsPerSegment.length == 0) {
            return "0";
        }
        int first = refsPerSegment[0];
        for (int r : refsPerSegment) {
            if (r != first) {
                return "var";
            }
        }
        return Integer.toString(first);
    }

    /** Builds a signature starting with {@code nrefs}; {@link #build()} appends the version. */
    static Builder builder(String nrefs) {
        return new Builder().add("nrefs", "#", nrefs);
    }

    /** Collects signature entries in sacreBLEU's order. */
    static final class Builder {
        private final List<String[]> entries = new ArrayList<>();

        Builder add(String key, String abbreviation, String value) {
            entries.add(new String[] {key, abbreviation, value});
            return this;
        }

        Signature build() {
            add("version", "v", SACREBLEU_VERSION);
            return new Signature(List.copyOf(entries));
        }
    }
}
