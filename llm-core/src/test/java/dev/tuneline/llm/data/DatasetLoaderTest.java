package dev.tuneline.llm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.llm.data.DatasetValidationException.Problem;
import dev.tuneline.llm.tokenizer.SharedTokenizers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Good files of both layouts load; every kind of bad file throws with the row, field and message at fault. */
class DatasetLoaderTest {

    final DatasetLoader loader = new DatasetLoader();

    @Test
    void bundledFilesLoad() throws IOException {
        List<InstructionRow> alpaca = loader.loadInstructions(SharedTokenizers.data("sft/code_alpaca_2k.json"));
        assertEquals(2017, alpaca.size());
        assertEquals(1006, alpaca.stream().filter(r -> !r.hasEmptyInput()).count());
        assertEquals(2016, alpaca.get(2016).row());
        assertEquals(3500, loader.loadInstructions(SharedTokenizers.data("sft/codealpaca_new_3500.json")).size());
        List<PreferenceRow> pairs = loader.loadPreferences(SharedTokenizers.data("preference/hh_helpful_pairs.jsonl"));
        assertEquals(2345, pairs.size());
        assertTrue(pairs.get(0).prompt().startsWith("\n\nHuman: "));
        assertTrue(pairs.get(0).prompt().endsWith("\n\nAssistant:"));
        assertTrue(pairs.get(0).chosen().startsWith(" "));
        assertNull(pairs.get(0).margin());
    }

    @Test
    void jsonLinesWithBomCrlfBlankLinesAndMargins() throws IOException {
        String text = "\uFEFF{\"prompt\":\"p0\",\"chosen\":\"a\",\"rejected\":\"b\",\"margin\":0.5}\r\n\r\n"
                + "{\"prompt\":\"p1\",\"chosen\":\"c\",\"rejected\":\"d\",\"extra\":[1]}\n";
        List<PreferenceRow> rows = loader.loadPreferences(stream(text), "upload.jsonl");
        assertEquals(2, rows.size());
        assertEquals(0.5f, rows.get(0).margin());
        assertEquals(1, rows.get(1).row());
        assertEquals("p1", rows.get(1).prompt());
        List<InstructionRow> instr = loader.loadInstructions(stream(
                "[{\"instruction\":\"i\",\"output\":\"o\"},{\"instruction\":\"j\",\"input\":null,\"output\":\"p\"}]"),
                "a.json");
        assertEquals("", instr.get(0).input(), "missing input reads as empty");
        assertEquals("", instr.get(1).input(), "null input reads as empty");
    }

    @Test
    void missingField() {
        DatasetValidationException e = instructionsFail("[{\"instruction\":\"a\",\"output\":\"b\"},"
                + "{\"instruction\":\"c\",\"input\":\"\"}]");
        assertEquals(List.of(new Problem(1, "output", "missing")), e.problems());
        assertTrue(e.getMessage().contains("row 1, field 'output': missing"), e.getMessage());
    }

    @Test
    void wrongTypes() {
        DatasetValidationException e = instructionsFail(
                "[{\"instruction\":42,\"input\":[\"x\"],\"output\":\"b\"},{\"instruction\":\"c\",\"output\":null}]");
        assertEquals(List.of(
                new Problem(0, "instruction", "expected a string, got number"),
                new Problem(0, "input", "expected a string, got array"),
                new Problem(1, "output", "is null")), e.problems());
        DatasetValidationException m = assertThrows(DatasetValidationException.class, () -> loader.loadPreferences(
                stream("{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\",\"margin\":\"high\"}"), "p.jsonl"));
        assertEquals(List.of(new Problem(0, "margin", "expected a number, got string")),
                m.problems());
    }

    @Test
    void brokenJsonLineNamesTheLine() {
        String text = "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}\n\n"
                + "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"\n"
                + "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"} trailing\n";
        DatasetValidationException e = assertThrows(DatasetValidationException.class,
                () -> loader.loadPreferences(stream(text), "pairs.jsonl"));
        assertEquals(2, e.totalProblems());
        assertEquals(1, e.problems().get(0).row());
        assertTrue(e.problems().get(0).message().startsWith("broken JSON on line 3"), e.problems().get(0).message());
        assertEquals(2, e.problems().get(1).row());
        assertTrue(e.problems().get(1).message().startsWith("broken JSON on line 4"), e.problems().get(1).message());
        assertTrue(e.getMessage().startsWith("pairs.jsonl is not a valid dataset (2 problems)"), e.getMessage());
    }

    @Test
    void brokenJsonArrayNamesLineAndColumn() {
        DatasetValidationException e = instructionsFail("[\n{\"instruction\":\"a\",\"output\":\"b\"},\n"
                + "{\"instruction\":\"a\" \"output\":\"b\"}\n]");
        Problem p = first(e);
        assertEquals(1, p.row());
        assertTrue(p.message().startsWith("malformed JSON at line 3, column"), p.message());
        DatasetValidationException unclosed = instructionsFail("[{\"instruction\":\"a\",\"output\":\"b\"}");
        assertTrue(first(unclosed).message().contains("malformed JSON")
                || first(unclosed).message().contains("closing ']'"), first(unclosed).message());
    }

    @Test
    void emptyFileAndNoRows() {
        assertEquals("file is empty", first(instructionsFail("")).message());
        assertEquals("file is empty", first(instructionsFail("  \n\t\n")).message());
        assertEquals("file has no rows", first(instructionsFail("[]")).message());
        assertEquals(-1, first(instructionsFail("[]")).row());
    }

    @Test
    void notAnObjectOrNotJson() {
        assertEquals("row is a JSON string, expected an object", first(instructionsFail("[\"just text\"]")).message());
        assertTrue(first(instructionsFail("instruction,input,output\na,b,c")).message()
                .startsWith("expected a JSON array ('[') or JSON lines"));
    }

    @Test
    void hugeRow() {
        DatasetLoader small = DatasetLoader.builder().optMaxRowChars(100).build();
        String big = "x".repeat(200);
        DatasetValidationException array = assertThrows(DatasetValidationException.class, () -> small.loadInstructions(
                stream("[{\"instruction\":\"a\",\"output\":\"b\"},{\"instruction\":\"" + big + "\",\"output\":\"b\"}]"),
                "big.json"));
        assertEquals(1, first(array).row());
        assertTrue(first(array).message().matches("row is 2\\d\\d characters, over the limit of 100"),
                first(array).message());
        DatasetValidationException lines = assertThrows(DatasetValidationException.class, () -> small.loadPreferences(
                stream("{\"prompt\":\"" + big + "\",\"chosen\":\"a\",\"rejected\":\"b\"}"), "big.jsonl"));
        assertTrue(first(lines).message().startsWith("line 1 is 2"), first(lines).message());
        // the default limit (1 MiB of JSON text per row)
        String huge = "y".repeat(DatasetLoader.DEFAULT_MAX_ROW_CHARS);
        assertTrue(first(instructionsFail("[{\"instruction\":\"" + huge + "\",\"output\":\"b\"}]")).message()
                .contains("over the limit of 1048576"));
    }

    @Test
    void notUtf8() {
        byte[] bytes = "[{\"instruction\":\"caf\u00e9\",\"output\":\"b\"}]".getBytes(StandardCharsets.ISO_8859_1);
        DatasetValidationException e = assertThrows(DatasetValidationException.class,
                () -> loader.loadInstructions(new ByteArrayInputStream(bytes), "latin1.json"));
        assertEquals("not valid UTF-8 at byte offset 20 (line 1)", first(e).message());
    }

    @Test
    void listsOnlyTheFirstProblemsButCountsAll(@TempDir Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            sb.append("{\"instruction\":\"a\"}\n");
        }
        Path file = dir.resolve("many.jsonl");
        Files.writeString(file, sb);
        DatasetValidationException e = assertThrows(DatasetValidationException.class,
                () -> loader.loadInstructions(file));
        assertEquals(10, e.problems().size());
        assertEquals(25, e.totalProblems());
        assertTrue(e.getMessage().contains("25 problems, first 10 shown"), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    private DatasetValidationException instructionsFail(String text) {
        return assertThrows(DatasetValidationException.class, () -> loader.loadInstructions(stream(text), "t.json"));
    }

    private static Problem first(DatasetValidationException e) {
        return e.problems().get(0);
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
