package dev.tuneline.llm.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** String helpers that reproduce CPython 3's semantics where the metrics depend on them. */
final class PyStrings {

    private PyStrings() {
    }

    /**
     * Whether a code point is whitespace for Python's {@code str.isspace()}, {@code str.split()} and
     * {@code str.rstrip()}: general category Zs or bidirectional class WS, B or S. Unlike
     * {@link Character#isWhitespace(int)} this includes U+0085, U+00A0, U+2007 and U+202F.
     */
    static boolean isSpace(int cp) {
        if (cp <= 0x20) {
            return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
        }
        if (cp < 0x85) {
            return false;
        }
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** Python's {@code line.split()}: splits on runs of whitespace, dropping empty pieces. */
    static String[] split(String line) {
        List<String> out = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (i < n) {
            // skip whitespace (all Python whitespace code points are in the BMP)
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSpace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(line.substring(start, i));
            }
        }
        return out.toArray(new String[0]);
    }

    /** Python's {@code line.rstrip()} with no argument. */
    static String rstrip(String line) {
        int end = line.length();
        while (end > 0 && isSpace(line.charAt(end - 1))) {
            end--;
        }
        return end == line.length() ? line : line.substring(0, end);
    }

    /**
     * Python's {@code str.lower()}. Java's root-locale lower-casing agrees with CPython 3.11 (Unicode 14),
     * including the final-sigma rule and U+0130, except for letters first assigned after Unicode 13.
     */
    static String lower(String line) {
        return line.toLowerCase(Locale.ROOT);
    }

    /**
     * Python's {@code f"{x:.{digits}f}"}: the exact binary value rounded half-to-even (Java's
     * {@code String.format} rounds half-up on a shortened decimal and differs, e.g. for 0.125 or 0.15).
     */
    static String fixed(double x, int digits) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String body = new BigDecimal(Math.abs(x)).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = x < 0 || (x == 0.0 && 1.0 / x < 0);
        return negative ? "-" + body : body;
    }

    /**
     * Python's {@code repr(float(s))} for a fixed-point string {@code s} as produced by {@link #fixed}:
     * trailing zeros dropped but one decimal kept ("14.70" to "14.7", "100.00" to "100.0").
     */
    static String floatReprOfFixed(String s) {
        if (s.equals("nan") || s.endsWith("inf")) {
            return s.equals("nan") ? "NaN" : (s.startsWith("-") ? "-Infinity" : "Infinity");
        }
        if (s.indexOf('.') < 0) {
            return s + ".0";
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end++;
        }
        return s.substring(0, end);
    }

    /** A JSON string literal as Python's {@code json.dumps(..., ensure_ascii=False)} writes it. */
    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Python's {@code math.log} floored as sacreBLEU's {@code my_log}: log(0) is -9999999999. */
    static double myLog(double x) {
        return x == 0.0 ? -9999999999.0 : Math.log(x);
    }
}
