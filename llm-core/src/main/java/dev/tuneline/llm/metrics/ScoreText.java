package dev.tuneline.llm.metrics;

/** sacreBLEU's {@code Score.format}: the text score line and the JSON object its CLI prints. */
final class ScoreText {

    private ScoreText() {
    }

    /** The score as text with {@code width} decimals, Python's {@code f"{score:.{width}f}"}. */
    static String scoreOnly(double score, int width) {
        checkWidth(width);
        return PyStrings.fixed(score, width);
    }

    /**
     * {@code NAME = 48.53 VERBOSE}, or with a signature {@code NAME|SIGNATURE = 48.53 VERBOSE}
     * ({@code signature} may be null or empty; {@code verbose} may be empty).
     */
    static String line(String name, double score, int width, String verbose, String signature) {
        String head = signature == null || signature.isEmpty() ? name : name + "|" + signature;
        String line = head + " = " + scoreOnly(score, width);
        return verbose.isEmpty() ? line : line + " " + verbose;
    }

    /**
     * The JSON object sacreBLEU's CLI prints ({@code json.dumps(d, indent=1, ensure_ascii=False)}): name,
     * score rounded to {@code width} decimals, signature, verbose_score when present, then one string entry
     * per signature field.
     */
    static String json(String name, double score, int width, String verbose, Signature signature) {
        String sig = signature.format(false);
        StringBuilder sb = new StringBuilder("{\n");
        sb.append(" \"name\": ").append(PyStrings.jsonString(name)).append(",\n");
        sb.append(" \"score\": ").append(PyStrings.floatReprOfFixed(scoreOnly(score, width))).append(",\n");
        sb.append(" \"signature\": ").append(PyStrings.jsonString(sig));
        if (!verbose.isEmpty()) {
            sb.append(",\n \"verbose_score\": ").append(PyStrings.jsonString(verbose));
        }
        for (String field : sig.split("\\|")) {
            int colon = field.indexOf(':');
            sb.append(",\n ").append(PyStrings.jsonString(field.substring(0, colon))).append(": ")
                    .append(PyStrings.jsonString(field.substring(colon + 1)));
        }
        return sb.append("\n}").toString();
    }

    private static void checkWidth(int width) {
        if (width < 0 || width > 30) {
            throw new IllegalArgumentException("width: must be 0..30 decimals, got " + width);
        }
    }
}
