package dev.tuneline.llm.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The CPython behaviours the metrics rely on (values as CPython 3.11 prints them). */
class PyStringsTest {

    @Test
    void fixedRoundsTheExactBinaryValueHalfToEven() {
        assertEquals("0.12", PyStrings.fixed(0.125, 2)); // exact tie: to even
        assertEquals("0.1", PyStrings.fixed(0.15, 1)); // 0.1499999... in binary
        assertEquals("2.67", PyStrings.fixed(2.675, 2));
        assertEquals("48.53", PyStrings.fixed(48.530827, 2));
        assertEquals("-0.00", PyStrings.fixed(-0.0, 2));
        assertEquals("100.000", PyStrings.fixed(100, 3));
        assertEquals("0", PyStrings.fixed(0.4, 0));
    }

    @Test
    void floatReprOfRoundedScores() {
        assertEquals("14.7", PyStrings.floatReprOfFixed("14.70"));
        assertEquals("100.0", PyStrings.floatReprOfFixed("100.00"));
        assertEquals("0.0", PyStrings.floatReprOfFixed("0.0"));
        assertEquals("0.0001", PyStrings.floatReprOfFixed("0.0001"));
        assertEquals("3.0", PyStrings.floatReprOfFixed("3"));
    }

    @Test
    void splitAndRstripUsePythonWhitespace() {
        assertArrayEquals(new String[] {"a", "b", "c", "d\u200bx"},
                PyStrings.split("\u00a0a\u2007b\u202fc\u3000\u0085d\u200bx\u001f"));
        assertEquals("a b", PyStrings.rstrip("a b \u00a0\u2028\t\r"));
        assertArrayEquals(new String[0], PyStrings.split(" \t\n"));
    }

    @Test
    void jsonStringsAsPythonJsonDumps() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001é\"", PyStrings.jsonString("a\"b\\c\n\u0001é"));
    }
}
