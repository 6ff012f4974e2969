package dev.tuneline.llm.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads instruction rows (CodeAlpaca layout: {@code instruction}, {@code input}, {@code output}) and preference rows
 * ({@code prompt}, {@code chosen}, {@code rejected}, optional {@code margin}) from a JSON array or JSON lines (the
 * format is told by the first non-blank character: {@code [} or {@code {}). Input must be UTF-8 (a BOM is allowed).
 *
 * <p>Validation is all-or-nothing: a file with any problem throws {@link DatasetValidationException} listing the
 * first problems (row, field, message; line numbers for JSON lines and syntax errors), and nothing of it is
 * returned. Problems: not UTF-8, empty file, no rows, broken JSON (with line and column), a row that is not an
 * object, a missing field, a field of the wrong type, a row over the size limit. Empty strings are structurally valid
 * and pass (the bundled CodeAlpaca file has two empty outputs): the encoders skip and report such rows. Missing or null {@code input} reads as {@code ""}; unknown fields are ignored. Row numbers are
 * 0-based indices of the rows in the file (blank lines of a JSON-lines file are skipped and not counted).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DatasetLoader {

    /** Default limit on one row's size in characters of its JSON text (1 MiB). */
    public static final int DEFAULT_MAX_ROW_CHARS = 1 << 20;
    /** Default number of problems listed in a {@link DatasetValidationException}. */
    public static final int DEFAULT_MAX_PROBLEMS = 10;

    /** Streams a JSON array element by element. */
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads one JSON line, rejecting anything after its object. */
    private static final ObjectMapper LINE_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final int maxRowChars;
    private final int maxProblems;

    /** A loader with the default limits. */
    public DatasetLoader() {
        this(DEFAULT_MAX_ROW_CHARS, DEFAULT_MAX_PROBLEMS);
    }

    private DatasetLoader(int maxRowChars, int maxProblems) {
        this.maxRowChars = maxRowChars;
        this.maxProblems = maxProblems;
    }

    /** A builder for non-default limits. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link DatasetLoader}. */
    public static final class Builder {
        private int maxRowChars = DEFAULT_MAX_ROW_CHARS;
        private int maxProblems = DEFAULT_MAX_PROBLEMS;

        /** Largest accepted row, in characters of its JSON text. */
        public Builder optMaxRowChars(int maxRowChars) {
            if (maxRowChars < 16) {
                throw new IllegalArgumentException("maxRowChars must be at least 16, got " + maxRowChars);
            }
            this.maxRowChars = maxRowChars;
            return this;
        }

        /** How many problems an exception lists (the total is always counted). */
        public Builder optMaxProblems(int maxProblems) {
            if (maxProblems < 1) {
                throw new IllegalArgumentException("maxProblems must be at least 1, got " + maxProblems);
            }
            this.maxProblems = maxProblems;
            return this;
        }

        /** The loader. */
        public DatasetLoader build() {
            return new DatasetLoader(maxRowChars, maxProblems);
        }
    }

    /** Instruction rows of a file. */
    public List<InstructionRow> loadInstructions(Path file) throws IOException {
        return load(Files.readAllBytes(file), file.toString(), DatasetLoader::instruction);
    }

    /** Instruction rows of a stream (read to its end, not closed); {@code sourceName} names it in messages. */
    public List<InstructionRow> loadInstructions(InputStream in, String sourceName) throws IOException {
        return load(in.readAllBytes(), sourceName, DatasetLoader::instruction);
    }

    /** Instruction rows of a stream named "input" in messages (read to its end, not closed). */
    public List<InstructionRow> loadInstructions(InputStream in) throws IOException {
        return loadInstructions(in, "input");
    }

    /** Preference rows of a file. */
    public List<PreferenceRow> loadPreferences(Path file) throws IOException {
        return load(Files.readAllBytes(file), file.toString(), DatasetLoader::preference);
    }

    /** Preference rows of a stream (read to its end, not closed); {@code sourceName} names it in messages. */
    public List<PreferenceRow> loadPreferences(InputStream in, String sourceName) throws IOException {
        return load(in.readAllBytes(), sourceName, DatasetLoader::preference);
    }

    /** Preference rows of a stream named "input" in messages (read to its end, not closed). */
    public List<PreferenceRow> loadPreferences(InputStream in) throws IOException {
        return loadPreferences(in, "input");
    }

    /** Reads one validated row, or returns null after reporting its problems. */
    private interface RowReader<T> {
        T read(int row, JsonNode node, Problems problems);
    }

    /** Collects the first problems and counts all of them. */
    private final class Problems {
        final List<DatasetValidationException.Problem> first = new ArrayList<>();
        int total;

        void add(int row, String field, String message) {
            total++;
            if (first.size() < maxProblems) {
                first.add(new DatasetValidationException.Problem(row, field, message));
            }
        }
    }

    private <T> List<T> load(byte[] bytes, String source, RowReader<T> reader) {
        Problems problems = new Problems();
        String text = decodeUtf8(bytes, problems);
        List<T> rows = new ArrayList<>();
        if (text != null) {
            int start = 0;
            while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
            if (start == text.length()) {
                problems.add(-1, null, "file is empty");
            } else if (text.charAt(start) == '[') {
                readArray(text, reader, rows, problems);
            } else if (text.charAt(start) == '{') {
                readLines(text, reader, rows, problems);
            } else {
                problems.add(-1, null, "expected a JSON array ('[') or JSON lines (one '{...}' object per line), "
                        + "found '" + text.charAt(start) + "' at line " + lineOf(text, start));
            }
            if (problems.total == 0 && rows.isEmpty()) {
                problems.add(-1, null, "file has no rows");
            }
        }
        if (problems.total > 0) {
            throw new DatasetValidationException(source, problems.first, problems.total);
        }
        return List.copyOf(rows);
    }

    private <T> void readArray(String text, RowReader<T> reader, List<T> rows, Problems problems) {
        int row = 0;
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            p.nextToken(); // START_ARRAY
            JsonToken token;
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    problems.add(row, null, "file ends before the closing ']' of the JSON array");
                    return;
                }
                long begin = p.currentTokenLocation().getCharOffset();
                JsonNode node = p.readValueAsTree();
                long size = p.currentLocation().getCharOffset() - begin;
                accept(row, node, size, reader, rows, problems);
                row++;
            }
            if (p.nextToken() != null) {
                problems.add(-1, null, "unexpected content after the closing ']' at line "
                        + p.currentTokenLocation().getLineNr());
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            problems.add(row, null, "malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            problems.add(row, null, "cannot read JSON: " + e.getMessage());
        }
    }

    private <T> void readLines(String text, RowReader<T> reader, List<T> rows, Problems problems) {
        int row = 0;
        int lineNo = 0;
        int at = 0;
        while (at < text.length()) {
            int nl = text.indexOf('\n', at);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(at, end > at && text.charAt(end - 1) == '\r' ? end - 1 : end);
            at = end + 1;
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (line.length() > maxRowChars) {
                problems.add(row, null, "line " + lineNo + " is " + line.length()
                        + " characters, over the limit of " + maxRowChars);
            } else {
                try {
                    accept(row, LINE_JSON.readTree(line), line.length(), reader, rows, problems);
                } catch (JsonProcessingException e) {
                    problems.add(row, null, "broken JSON on line " + lineNo + " (JSON lines need one complete "
                            + "object per line): " + e.getOriginalMessage());
                }
            }
            row++;
        }
    }

    private <T> void accept(int row, JsonNode node, long size, RowReader<T> reader, List<T> rows,
                            Problems problems) {
        if (size > maxRowChars) {
            problems.add(row, null, "row is " + size + " characters, over the limit of " + maxRowChars);
        } else if (!node.isObject()) {
            problems.add(row, null, "row is a JSON " + typeName(node) + ", expected an object");
        } else {
            T value = reader.read(row, node, problems);
            if (value != null) {
                rows.add(value);
            }
        }
    }

    private static InstructionRow instruction(int row, JsonNode node, Problems problems) {
        int before = problems.total;
        String instruction = text(row, node, "instruction", true, problems);
        String input = text(row, node, "input", false, problems);
        String output = text(row, node, "output", true, problems);
        return problems.total > before ? null
                : new InstructionRow(row, instruction, input == null ? "" : input, output);
    }

    private static PreferenceRow preference(int row, JsonNode node, Problems problems) {
        int before = problems.total;
        String prompt = text(row, node, "prompt", true, problems);
        String chosen = text(row, node, "chosen", true, problems);
        String rejected = text(row, node, "rejected", true, problems);
        Float margin = null;
        JsonNode m = node.get("margin");
        if (m != null && !m.isNull()) {
            if (!m.isNumber()) {
                problems.add(row, "margin", "expected a number, got " + typeName(m));
            } else {
                margin = m.floatValue();
            }
        }
        return problems.total > before ? null : new PreferenceRow(row, prompt, chosen, rejected, margin);
    }

    /** A string field: reports missing or null (when required) and wrong type. */
    private static String text(int row, JsonNode node, String field, boolean required, Problems problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(row, field, v == null ? "missing" : "is null");
            }
            return null;
        }
        if (!v.isTextual()) {
            problems.add(row, field, "expected a string, got " + typeName(v));
            return null;
        }
        return v.textValue();
    }

    private static String typeName(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String decodeUtf8(byte[] bytes, Problems problems) {
        int offset = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
        try {
            CharBuffer chars = decoder.decode(in);
            return chars.toString();
        } catch (CharacterCodingException e) {
            int bad = in.position();
            int line = 1;
            for (int i = 0; i < bad && i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            problems.add(-1, null, "not valid UTF-8 at byte offset " + bad + " (line " + line + ")");
            return null;
        }
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
