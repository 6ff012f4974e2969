package dev.tuneline.llm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.llm.tokenizer.SharedTokenizers;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Rendering, truncation (prompt from the left first), identical-pair dropping, on constructed rows and hh-rlhf. */
class PreferenceEncoderTest {

    static final TextTokenizer GPT2 = SharedTokenizers.gpt2Files().withPadToken(50256);

    @Test
    void rendersBothSidesWithTemplateAndEos() {
        PreferenceRow row = new PreferenceRow(0, "Say hi", "Hi!", "No.", 1.5f);
        EncodedPair pair = new PreferenceEncoder(GPT2, PromptTemplate.humanAssistant(), 64).encode(row);
        assertArrayEquals(GPT2.encode("\n\nHuman: Say hi\n\nAssistant: Hi!<|endoftext|>", true), pair.chosenIds());
        assertArrayEquals(GPT2.encode("\n\nHuman: Say hi\n\nAssistant: No.<|endoftext|>", true), pair.rejectedIds());
        assertEquals(50256, pair.chosenIds()[pair.chosenIds().length - 1]);
        assertEquals(1.5f, pair.margin());

        EncodedPair opt = new PreferenceEncoder(SharedTokenizers.opt(), PromptTemplate.humanAssistant(), 64)
                .encode(row);
        assertEquals(2, opt.chosenIds()[0], "OPT's BOS");
        assertEquals(2, opt.chosenIds()[opt.chosenIds().length - 1], "OPT's EOS");
    }

    @Test
    void truncatesThePromptFromTheLeftFirstKeepingBos() {
        TextTokenizer opt = SharedTokenizers.opt();
        String longPrompt = IntStream.range(0, 40).mapToObj(i -> "w" + i).reduce((a, b) -> a + " " + b).get();
        PreferenceRow row = new PreferenceRow(1, longPrompt, "yes", "no", null);
        int[] full = opt.encode(PromptTemplate.raw().renderFull(row.asInstruction(true), "</s>"), true);
        int[] response = opt.encode("yes</s>", false);
        PreferenceEncoder encoder = new PreferenceEncoder(opt, PromptTemplate.raw(), 20);
        EncodedPair pair = encoder.encode(row);
        assertEquals(20, pair.chosenIds().length);
        assertEquals(2, pair.chosenIds()[0], "BOS kept");
        // the response and EOS are intact at the end; the prompt lost its beginning, not its end
        assertArrayEquals(response, Arrays.copyOfRange(pair.chosenIds(), 20 - response.length, 20));
        assertArrayEquals(Arrays.copyOfRange(full, full.length - 19, full.length),
                Arrays.copyOfRange(pair.chosenIds(), 1, 20));
    }

    @Test
    void responseIsCutFromTheRightOnceThePromptIsGone() {
        PreferenceRow row = new PreferenceRow(2, "Q", " a b c d e f g h i j k l m", " a b c d e f g h i j k l n", null);
        PreferenceEncoder encoder = new PreferenceEncoder(GPT2, PromptTemplate.raw(), 6);
        EncodedPair pair = encoder.encode(row);
        assertArrayEquals(GPT2.encode(" a b c d e f", false), pair.chosenIds());
        PreferenceReport report = encoder.encodeAll(List.of(row,
                new PreferenceRow(3, "Q", " same", " same", null),
                new PreferenceRow(4, "Q", " yes", " no", null)));
        assertEquals(List.of(4), report.pairs().stream().map(EncodedPair::row).toList());
        assertEquals(2, report.dropped().size());
        assertEquals("chosen and rejected are identical after truncation to 6 tokens",
                report.dropped().get(0).reason());
        assertEquals(2, report.dropped().get(0).row());
        assertEquals("chosen and rejected are the same text", report.dropped().get(1).reason());
        assertEquals(0, report.truncatedPairs());
    }

    @Test
    void hhRlhfPairsWithTheRawTemplate() throws IOException {
        List<PreferenceRow> rows = new DatasetLoader().loadPreferences(
                SharedTokenizers.data("preference/hh_helpful_pairs.jsonl"));
        assertEquals(2345, rows.size());
        assertThrows(IllegalArgumentException.class,
                () -> new PreferenceEncoder(GPT2, PromptTemplate.humanAssistant(), 512).encode(rows.get(0)),
                "pre-rendered prompts need the raw template");
        PreferenceReport report = new PreferenceEncoder(GPT2, PromptTemplate.raw(), 512).encodeAll(rows);
        assertEquals(2345, report.pairs().size() + report.dropped().size());
        assertTrue(report.truncatedPairs() > 0, report.summary());
        for (EncodedPair p : report.pairs()) {
            assertTrue(p.chosenIds().length <= 512 && p.rejectedIds().length <= 512);
            assertTrue(!Arrays.equals(p.chosenIds(), p.rejectedIds()));
        }
        PreferenceRow first = rows.get(0);
        EncodedPair p0 = report.pairs().get(0);
        assertEquals(first.prompt() + first.chosen() + "<|endoftext|>", GPT2.decode(p0.chosenIds(), false));
        PairBatch batch = Collator.forTokenizer(GPT2).collatePairs(report.pairs().subList(0, 4));
        assertEquals(4, batch.batchSize());
        assertEquals(p0.chosenIds().length - 1, batch.chosenLastIndex()[0]);
        assertEquals(50256, batch.chosenIds()[0][batch.chosenLastIndex()[0]], "last real token is the EOS");
    }
}
