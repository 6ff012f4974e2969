package dev.tuneline.llm.data;

import static dev.tuneline.llm.data.SftEncoder.IGNORE_INDEX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.llm.tokenizer.ReferenceBpe;
import dev.tuneline.llm.tokenizer.SharedTokenizers;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Instruction masking on hand-checked examples (token strings written out below, checked against GPT-2's merges by
 * hand and by the reference BPE) for every template and both tokenizers, boundary merges, EOS in labels, truncation,
 * and on all CodeAlpaca rows against labels computed with the independent reference BPE.
 */
class SftEncoderTest {

    static final InstructionRow SAY_HI = new InstructionRow(0, "Say hi", "", "Hi!");
    static final String M = "-"; // marks a masked position in the expectations below

    /** Each token as "piece" (trained) or "-piece" (masked). */
    private static List<String> view(TextTokenizer tok, EncodedSft e) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < e.length(); i++) {
            assertTrue(e.labels()[i] == IGNORE_INDEX || e.labels()[i] == e.inputIds()[i], "label != id at " + i);
            out.add((e.labels()[i] == IGNORE_INDEX ? M : "") + tok.tokenString(e.inputIds()[i]));
        }
        return out;
    }

    @Test
    void alpacaGpt2() {
        TextTokenizer gpt2 = SharedTokenizers.gpt2Files();
        EncodedSft e = new SftEncoder(gpt2, PromptTemplate.alpaca(), 512).encode(SAY_HI);
        assertEquals(List.of("-###", "-ĠInstruction", "-:", "-Ċ", "-Say", "-Ġhi", "-Ċ", "-Ċ", "-###", "-ĠResponse",
                "-:", "-Ċ", "Hi", "!", "<|endoftext|>"), view(gpt2, e));
        assertArrayEquals(new int[] {21017, 46486, 25, 198, 25515, 23105, 198, 198, 21017, 18261, 25, 198, 17250, 0,
                50256}, e.inputIds());
        assertEquals(12, e.promptTokens());
        assertFalse(e.boundaryMerged());
        assertFalse(e.truncated());
    }

    @Test
    void alpacaOptHasBosMaskedAndEosTrained() {
        TextTokenizer opt = SharedTokenizers.opt();
        EncodedSft e = new SftEncoder(opt, PromptTemplate.alpaca(), 512).encode(SAY_HI);
        assertEquals(List.of("-</s>", "-###", "-ĠInstruction", "-:", "-Ċ", "-Say", "-Ġhi", "-Ċ", "-Ċ", "-###",
                "-ĠResponse", "-:", "-Ċ", "Hi", "!", "</s>"), view(opt, e));
        assertEquals(2, e.inputIds()[0]);
        assertEquals(2, e.labels()[e.length() - 1], "the EOS is trained on");
        assertEquals(13, e.promptTokens());
    }

    @Test
    void questionAnswerBothTokenizers() {
        assertBothTokenizers(PromptTemplate.questionAnswer(), List.of("-###", "-ĠQuestion", "-:", "-ĠSay", "-Ġhi",
                "-Ċ", "-Ġ###", "-ĠAnswer", "-:", "ĠHi", "!"));
    }

    @Test
    void humanAssistantBothTokenizers() {
        assertBothTokenizers(PromptTemplate.humanAssistant(), List.of("-Ċ", "-Ċ", "-Human", "-:", "-ĠSay", "-Ġhi",
                "-Ċ", "-Ċ", "-Assistant", "-:", "ĠHi", "!"));
    }

    /** GPT-2 (both sources) gives {@code body} + EOS; OPT gives a masked BOS + {@code body} + EOS, no merge. */
    private static void assertBothTokenizers(PromptTemplate template, List<String> body) {
        for (TextTokenizer gpt2 : List.of(SharedTokenizers.gpt2Files(), SharedTokenizers.gpt2Hf())) {
            EncodedSft g = new SftEncoder(gpt2, template, 512).encode(SAY_HI);
            assertEquals(concat(body, "<|endoftext|>"), view(gpt2, g));
        }
        EncodedSft o = new SftEncoder(SharedTokenizers.opt(), template, 512).encode(SAY_HI);
        List<String> withBos = new ArrayList<>(List.of("-</s>"));
        withBos.addAll(concat(body, "</s>"));
        assertEquals(withBos, view(SharedTokenizers.opt(), o));
        assertFalse(o.boundaryMerged());
    }

    /**
     * Prompt "Q: Say hi\nA:\n\n" alone ends with the single token "ĊĊ" (628), but before "foo" the newlines split
     * into "Ċ" "Ċ": the prompt ids are not a prefix of the full ids. The boundary falls back to the common prefix
     * and the differing tokens are trained on.
     */
    @Test
    void boundaryMergeOfNewlines() {
        TextTokenizer gpt2 = SharedTokenizers.gpt2Files();
        PromptTemplate t = PromptTemplate.custom("Q: {instruction}\nA:\n\n{output}");
        InstructionRow row = new InstructionRow(3, "Say hi", "", "foo");
        assertArrayEquals(new int[] {48, 25, 13816, 23105, 198, 32, 25, 628}, gpt2.encode(t.renderPrompt(row), true));
        EncodedSft e = new SftEncoder(gpt2, t, 64).encode(row);
        assertTrue(e.boundaryMerged());
        assertEquals(7, e.promptTokens());
        assertEquals(List.of("-Q", "-:", "-ĠSay", "-Ġhi", "-Ċ", "-A", "-:", "Ċ", "Ċ", "foo", "<|endoftext|>"),
                view(gpt2, e));
    }

    /** Two trailing spaces (not moved into the response): prompt ends "Ġ" "Ġ", full text has "Ġ" "Ġfoo". */
    @Test
    void boundaryMergeOfTrailingSpaceWithFirstAnswerToken() {
        for (TextTokenizer tok : List.of(SharedTokenizers.gpt2Files(), SharedTokenizers.opt())) {
            PromptTemplate t = PromptTemplate.custom("Q: {instruction}\nA:  {output}");
            EncodedSft e = new SftEncoder(tok, t, 64).encode(new InstructionRow(4, "x", "", "foo"));
            assertTrue(e.boundaryMerged());
            List<String> v = view(tok, e);
            int n = v.size();
            assertEquals(List.of("-:", "-Ġ", "Ġfoo", tok.eosToken()), v.subList(n - 4, n), v.toString());
        }
    }

    @Test
    void truncationKeepsThePrefixAndDropsTheEos() {
        TextTokenizer gpt2 = SharedTokenizers.gpt2Files();
        EncodedSft e = new SftEncoder(gpt2, PromptTemplate.alpaca(), 13).encode(SAY_HI);
        assertTrue(e.truncated());
        assertEquals(13, e.length());
        assertEquals(1, e.trainedTokens(), "only 'Hi' is left of the response");
        assertEquals("Hi", gpt2.tokenString(e.labels()[12]));
    }

    @Test
    void fullyTruncatedAndEmptyRowsAreSkippedWithReasons() {
        TextTokenizer opt = SharedTokenizers.opt();
        SftEncoder encoder = new SftEncoder(opt, PromptTemplate.alpaca(), 13);
        List<InstructionRow> rows = List.of(
                SAY_HI,                                                       // prompt 13 tokens: response cut away
                new InstructionRow(5, "Hi", "", "Yo"),                        // short enough
                new InstructionRow(6, "Hi", "", ""));                         // nothing to learn
        EncodeReport report = encoder.encodeAll(rows);
        assertEquals(List.of(5), report.encoded().stream().map(EncodedSft::row).toList());
        assertEquals(2, report.skipped().size());
        assertEquals(0, report.skipped().get(0).row());
        assertEquals("response fully truncated: the prompt is 13 tokens and max_seq_length is 13",
                report.skipped().get(0).reason());
        assertEquals(6, report.skipped().get(1).row());
        assertTrue(report.skipped().get(1).reason().startsWith("output is empty"));
        assertTrue(report.summary().contains("2 skipped (rows 0, 6)"), report.summary());
        EncodedSft cut = encoder.encode(SAY_HI);
        assertEquals(0, cut.trainedTokens());
    }

    @Test
    void rejectsTokenizersWhoseEosTextIsNotSpecial() {
        assertThrows(IllegalArgumentException.class,
                () -> new SftEncoder(SharedTokenizers.opt(), PromptTemplate.alpaca(), 1));
    }

    /** Every CodeAlpaca row, all templates, both tokenizers: labels equal those derived from the reference BPE. */
    @Test
    void allCodeAlpacaRowsMatchTheReferenceBpe() throws IOException {
        List<InstructionRow> rows = new DatasetLoader().loadInstructions(
                SharedTokenizers.data("sft/code_alpaca_2k.json"));
        ReferenceBpe reference = new ReferenceBpe(SharedTokenizers.data("tokenizers/gpt2/vocab.json"),
                SharedTokenizers.data("tokenizers/gpt2/merges.txt"), List.of("<|endoftext|>"));
        TextTokenizer gpt2 = SharedTokenizers.gpt2Files();
        for (PromptTemplate t : List.of(PromptTemplate.alpaca(), PromptTemplate.questionAnswer())) {
            EncodeReport report = new SftEncoder(gpt2, t, 256).encodeAll(rows);
            // skipped: the two rows with an empty output, and rows whose prompt alone fills 256 tokens
            for (EncodeReport.SkippedRow s : report.skipped()) {
                InstructionRow row = rows.get(s.row());
                if (row.output().isEmpty()) {
                    assertTrue(s.reason().startsWith("output is empty"), s.reason());
                } else {
                    int promptLength = reference.ids(t.renderPrompt(row)).length;
                    assertTrue(promptLength >= 256, "row " + s.row() + " prompt " + promptLength);
                    assertEquals("response fully truncated: the prompt is " + promptLength
                            + " tokens and max_seq_length is 256", s.reason());
                }
            }
            assertTrue(report.skipped().stream().map(EncodeReport.SkippedRow::row).toList()
                    .containsAll(List.of(237, 1859, 877)), report.summary());
            assertEquals(2017, report.encoded().size() + report.skipped().size());
            assertTrue(report.truncatedRows() > 0 && report.truncatedRows() < 300, report.summary());
            for (EncodedSft e : report.encoded()) {
                InstructionRow row = rows.get(e.row());
                int[] prompt = reference.ids(t.renderPrompt(row));
                int[] full = reference.ids(t.renderFull(row, "<|endoftext|>"));
                int boundary = SftEncoder.boundary(prompt, full);
                int n = Math.min(full.length, 256);
                int[] expectedLabels = IntStream.range(0, n).map(i -> i < boundary ? IGNORE_INDEX : full[i]).toArray();
                assertArrayEquals(Arrays.copyOf(full, n), e.inputIds(), "row " + e.row());
                assertArrayEquals(expectedLabels, e.labels(), "row " + e.row());
                if (!e.truncated() && !e.boundaryMerged()) {
                    assertEquals(t.renderResponse(row) + "<|endoftext|>",
                            gpt2.decode(Arrays.copyOfRange(e.inputIds(), boundary, n), false), "row " + e.row());
                }
            }
        }
    }

    /** OPT on all rows: BOS first and masked, EOS last and trained on every untruncated row. */
    @Test
    void allCodeAlpacaRowsOpt() throws IOException {
        List<InstructionRow> rows = Splits.onlyEmptyInput(new DatasetLoader().loadInstructions(
                SharedTokenizers.data("sft/code_alpaca_2k.json")));
        EncodeReport report = new SftEncoder(SharedTokenizers.opt(), PromptTemplate.alpaca(), 512).encodeAll(rows);
        assertEquals(rows.size(), report.encoded().size() + report.skipped().size());
        assertEquals(1011, rows.size());
        for (EncodedSft e : report.encoded()) {
            assertEquals(2, e.inputIds()[0]);
            assertEquals(IGNORE_INDEX, e.labels()[0]);
            if (!e.truncated()) {
                assertEquals(2, e.labels()[e.length() - 1], "row " + e.row());
            }
        }
        assertEquals(0, report.boundaryMerges(), "alpaca's prompt ends with a lone newline: no merges expected");
    }

    private static List<String> concat(List<String> head, String last) {
        List<String> out = new ArrayList<>(head);
        out.add(last);
        return out;
    }
}
