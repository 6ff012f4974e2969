package dev.tuneline.llm.metrics;

import java.util.regex.Pattern;

/**
 * sacreBLEU 2.6.0's BLEU tokenizers {@code 13a}, {@code intl}, {@code char} and {@code none}, producing the
 * same tokenized strings as its {@code Tokenizer13a}, {@code TokenizerV14International}, {@code TokenizerChar}
 * and {@code NoneTokenizer}.
 */
public enum BleuTokenizer {

    /**
     * mteval-v13a as in sacreBLEU: drops {@code <skipped>}, joins {@code -\n} hyphenations, turns newlines
     * into spaces, unescapes {@code &quot; &amp; &lt; &gt;}, pads the line with one space on each side, then
     * applies four regular expressions in order: (1) isolate each character of the ASCII ranges
     * <code>{-~</code>, <code>[-`</code>, {@code space-&}, {@code (-+}, {@code :-@} and {@code /}; (2) split a period or
     * comma off a preceding non-digit; (3) split a period or comma off a following non-digit; (4) split a
     * dash off a preceding digit; finally collapses whitespace.
     */
    THIRTEEN_A("13a"),

    /**
     * mteval-v14 "international": a punctuation code point (Unicode category P) is split off a preceding
     * non-number (not category N) and off a following non-number, and every symbol (category S) is isolated.
     * Categories come from Java's Unicode tables (Unicode 13 on Java 17; sacreBLEU's {@code regex} module
     * may know newer code points).
     */
    INTL("intl"),

    /** Every non-whitespace code point is a token. */
    CHAR("char"),

    /** No tokenization: tokens are the whitespace-separated pieces of the line. */
    NONE("none");

    // 13a's regular expressions, character for character as in mteval-v13a / sacreBLEU's TokenizerRegexp.
    private static final Pattern RE_13A_SYMBOLS = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern RE_13A_PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern RE_13A_PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern RE_13A_DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    // intl's regular expressions (sacreBLEU TokenizerV14International).
    private static final Pattern RE_INTL_PUNCT_AFTER_NON_NUMBER = Pattern.compile("(\\P{N})(\\p{P})");
    private static final Pattern RE_INTL_PUNCT_BEFORE_NON_NUMBER = Pattern.compile("(\\p{P})(\\P{N})");
    private static final Pattern RE_INTL_SYMBOL = Pattern.compile("(\\p{S})");

    private final String signature;

    BleuTokenizer(String signature) {
        this.signature = signature;
    }

    /** The name sacreBLEU uses for this tokenizer on the command line and in signatures ({@code tok:13a}). */
    public String signature() {
        return signature;
    }

    /** Looks a tokenizer up by its sacreBLEU name ({@code 13a}, {@code intl}, {@code char}, {@code none}). */
    public static BleuTokenizer of(String name) {
        for (BleuTokenizer t : values()) {
            if (t.signature.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("tokenize: unknown BLEU tokenizer '" + name
                + "'; supported: 13a, intl, char, none (sacreBLEU's zh, ja-mecab, ko-mecab, spm, flores* are not)");
    }

    /** Tokenizes one line and returns the tokens joined by single spaces, exactly as sacreBLEU does. */
    public String tokenize(String line) {
        return switch (this) {
            case THIRTEEN_A -> String.join(" ", PyStrings.split(regexp13a(normalize13a(line))));
            case INTL -> String.join(" ", PyStrings.split(regexpIntl(line)));
            case CHAR -> joinCodePoints(line);
            case NONE -> line;
        };
    }

    /** The tokens of one line, i.e. Python's {@code tokenize(line).split()}. */
    String[] tokens(String line) {
        return switch (this) {
            case THIRTEEN_A -> PyStrings.split(regexp13a(normalize13a(line)));
            case INTL -> PyStrings.split(regexpIntl(line));
            case CHAR -> nonSpaceCodePoints(line);
            case NONE -> PyStrings.split(line);
        };
    }

    /** The language-independent part of 13a, before the regular expressions. */
    static String normalize13a(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.indexOf('&') >= 0) {
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        return line;
    }

    /**
     * The four 13a regular expressions applied to the line padded with one space on each side, as four
     * hand-written left-to-right scans that replace exactly like {@link #regexp13aWithPatterns} (each pattern
     * is one or two characters wide, and a match resumes the scan after it, as {@code re.sub} does).
     */
    static String regexp13a(String line) {
        int n = line.length();
        // (1) isolate the ASCII symbols
        StringBuilder a = new StringBuilder(n * 2 + 8).append(' ').append(' ').append(' ');
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (isSymbol13a(c)) {
                a.append(' ').append(c).append(' ');
            } else {
                a.append(c);
            }
        }
        a.append(' ').append(' ').append(' ');
        // (2) ([^0-9])([\.,]) -> "$1 $2 "
        StringBuilder b = new StringBuilder(a.length() + 16);
        int len = a.length();
        for (int i = 0; i < len; i++) {
            char c = a.charAt(i);
            if (i + 1 < len && !isDigit(c) && isPeriodOrComma(a.charAt(i + 1))) {
                b.append(c).append(' ').append(a.charAt(i + 1)).append(' ');
                i++;
            } else {
                b.append(c);
            }
        }
        // (3) ([\.,])([^0-9]) -> " $1 $2"
        a.setLength(0);
        len = b.length();
        for (int i = 0; i < len; i++) {
            char c = b.charAt(i);
            if (i + 1 < len && isPeriodOrComma(c) && !isDigit(b.charAt(i + 1))) {
                a.append(' ').append(c).append(' ').append(b.charAt(i + 1));
                i++;
            } else {
                a.append(c);
            }
        }
        // (4) ([0-9])(-) -> "$1 $2 "
        b.setLength(0);
        len = a.length();
        for (int i = 0; i < len; i++) {
            char c = a.charAt(i);
            if (i + 1 < len && isDigit(c) && a.charAt(i + 1) == '-') {
                b.append(c).append(' ').append('-').append(' ');
                i++;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The same four substitutions with the original regular expressions (the reference for {@link #regexp13a}). */
    static String regexp13aWithPatterns(String line) {
        String s = " " + line + " ";
        s = RE_13A_SYMBOLS.matcher(s).replaceAll(" $1 ");
        s = RE_13A_PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = RE_13A_PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        return RE_13A_DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
    }

    /** The first 13a class: {@code {-~}, {@code [-`}, {@code space-&}, {@code (-+}, {@code :-@} and {@code /}. */
    private static boolean isSymbol13a(char c) {
        return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') || (c >= '(' && c <= '+')
                || (c >= ':' && c <= '@') || c == '/';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isPeriodOrComma(char c) {
        return c == '.' || c == ',';
    }

    private static String regexpIntl(String line) {
        String s = RE_INTL_PUNCT_AFTER_NON_NUMBER.matcher(line).replaceAll("$1 $2 ");
        s = RE_INTL_PUNCT_BEFORE_NON_NUMBER.matcher(s).replaceAll(" $1 $2");
        return RE_INTL_SYMBOL.matcher(s).replaceAll(" $1 ");
    }

    private static String joinCodePoints(String line) {
        StringBuilder sb = new StringBuilder(line.length() * 2);
        line.codePoints().forEach(cp -> {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    private static String[] nonSpaceCodePoints(String line) {
        return line.codePoints().filter(cp -> !PyStrings.isSpace(cp))
                .mapToObj(cp -> new String(Character.toChars(cp))).toArray(String[]::new);
    }
}
