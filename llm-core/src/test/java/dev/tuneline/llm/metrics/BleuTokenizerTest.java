package dev.tuneline.llm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** 13a's hand-written scans against its original regular expressions, and tokenizer details. */
class BleuTokenizerTest {

    private static final String[] ALPHABET = {"a", "B", "1", "0", "9", ".", ",", "-", " ", "&", "<", ">", "\"", "'",
        "\n", "\t", "/", "{", "~", "[", "`", "@", ":", "(", "+", "é", "\u00a0", "\u2028", "😀", "𝔘", "&quot;",
        "&amp;", "<skipped>", "-\n", "ф", "。"};

    @Test
    void handWrittenScansEqualTheRegularExpressions() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int k = 0; k < 20_000; k++) {
            StringBuilder sb = new StringBuilder();
            int len = rng.nextInt(25);
            for (int i = 0; i < len; i++) {
                sb.append(ALPHABET[rng.nextInt(ALPHABET.length)]);
            }
            String line = sb.toString();
            assertEquals(BleuTokenizer.regexp13aWithPatterns(line), BleuTokenizer.regexp13a(line), () -> "line: " + line);
            String normalized = BleuTokenizer.normalize13a(line);
            assertEquals(BleuTokenizer.regexp13aWithPatterns(normalized), BleuTokenizer.regexp13a(normalized));
        }
    }

    @Test
    void thirteenAExamples() {
        assertEquals("The cost is $ 1,000.50 ( approx . ) - i . e . 3 - 4 weeks , e . g . 2.5 % !",
                BleuTokenizer.THIRTEEN_A.tokenize("The cost is $1,000.50 (approx.) - i.e. 3-4 weeks, e.g. 2.5%!"));
        assertEquals("He said \" hi \" & left", BleuTokenizer.THIRTEEN_A.tokenize("He said &quot;hi&quot; &amp; left<skipped>"));
        assertEquals("thenreturned", BleuTokenizer.THIRTEEN_A.tokenize("then-\nreturned"));
    }

    @Test
    void charAndIntl() {
        assertEquals("a b 😀 c", BleuTokenizer.CHAR.tokenize("ab😀c"));
        assertEquals("a   b", BleuTokenizer.CHAR.tokenize("a b"));
        assertEquals("« Guillemets » — em dash …", BleuTokenizer.INTL.tokenize("«Guillemets» — em dash…"));
        // mteval-v14's quirk kept by sacreBLEU: a number's final period at the end of the line stays attached
        assertEquals("3.14 , 2000.", BleuTokenizer.INTL.tokenize("3.14, 2000."));
    }
}
