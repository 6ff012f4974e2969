package dev.tuneline.llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class GenerationTest {
    @Test
    void completionTokensDropOnlyATrailingEos() {
        assertArrayEquals(new int[] {5, 7}, new Generation(new int[] {5, 7, 2}, null, null, Generation.STOP).completionTokens(2));
        assertArrayEquals(new int[] {2, 5, 7}, new Generation(new int[] {2, 5, 7}, null, null, Generation.LENGTH).completionTokens(2));
        assertArrayEquals(new int[] {}, new Generation(new int[] {2}, null, null, Generation.STOP).completionTokens(2));
        assertArrayEquals(new int[] {}, new Generation(new int[] {}, null, null, Generation.LENGTH).completionTokens(2));
    }
}
