package dev.tuneline.llm.tokenizer;

import static dev.tuneline.llm.tokenizer.SharedTokenizers.data;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ids of the GPT-2 and OPT tokenizers against known values (HF's published ids, transformers' own ids for the
 * parity case) and against an independent plain-Java BPE on every CodeAlpaca text; special tokens; round trips.
 */
class TextTokenizerTest {

    /** Texts that stress the pre-tokenizer: unicode, code, runs of spaces, newlines, tabs, CRLF, specials. */
    static final List<String> HARD_TEXTS = List.of(
            "Hello, my dog is cute",
            "naïve café — Zürich, 日本語のテキスト, emoji 🤗👍🏽 and Ελληνικά",
            "def f(x):\n\treturn x ** 2  # square\n\n\nprint(f(3))\r\n",
            "a    b     c      ",
            "   leading spaces and trailing   \n\n",
            "\n\n\n\nonly newlines\n\n",
            "for (int i = 0; i < n; i++) { sum += a[i]; }  // 'quoted' \"double\"",
            "it's we'll they've I'm you'd she's 'S",
            "numbers 1234567890 3.14159 1e-9 -42",
            "SELECT * FROM users WHERE id = 1;\n-- comment",
            "tab\tseparated\tvalues\t\t",
            "");

    static ReferenceBpe gpt2Reference;
    static ReferenceBpe optReference;
    static List<String> codeAlpacaTexts;

    @BeforeAll
    static void setUp() throws IOException {
        gpt2Reference = new ReferenceBpe(data("tokenizers/gpt2/vocab.json"), data("tokenizers/gpt2/merges.txt"),
                List.of("<|endoftext|>"));
        optReference = new ReferenceBpe(data("tokenizers/opt/vocab.json"), data("tokenizers/opt/merges.txt"),
                List.of("</s>", "<pad>", "<s>", "<unk>"));
        codeAlpacaTexts = new ArrayList<>();
        for (JsonNode row : new ObjectMapper().readTree(data("sft/code_alpaca_2k.json").toFile())) {
            codeAlpacaTexts.add("### Instruction:\n" + row.get("instruction").asText() + "\n\n### Input:\n"
                    + row.get("input").asText() + "\n\n### Response:\n" + row.get("output").asText());
        }
    }

    @Test
    void gpt2KnownIdsFromBothSources() {
        int[] expected = {15496, 11, 616, 3290, 318, 13779};
        assertArrayEquals(expected, SharedTokenizers.gpt2Hf().encode("Hello, my dog is cute", true));
        assertArrayEquals(expected, SharedTokenizers.gpt2Files().encode("Hello, my dog is cute", true));
    }

    @Test
    void eosPaddingOnlyWhenThereIsNoPadToken() {
        TextTokenizer gpt2 = SharedTokenizers.gpt2Hf();
        assertEquals(java.util.OptionalInt.of(50256), gpt2.withEosPaddingIfMissing().padId());
        TextTokenizer opt = SharedTokenizers.opt();
        assertSame(opt, opt.withEosPaddingIfMissing(), "OPT keeps its own <pad>");
        assertEquals(java.util.OptionalInt.of(1), opt.withEosPaddingIfMissing().padId());
    }

    @Test
    void optKnownIdsWithBos() {
        TextTokenizer opt = SharedTokenizers.opt();
        assertArrayEquals(new int[] {2, 31414, 6, 127, 2335, 16, 11962}, opt.encode("Hello, my dog is cute", true));
        assertArrayEquals(new int[] {31414, 6, 127, 2335, 16, 11962}, opt.encode("Hello, my dog is cute", false));
    }

    /** transformers v4.38.2's own ids for an Alpaca prompt (shared/data/parity/expected.json, case 1). */
    @Test
    void optMatchesTransformersOnAlpacaPrompt() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(data("parity/expected.json").toFile()).get("cases");
        for (TextTokenizer tok : List.of(SharedTokenizers.opt(), loadFresh("parity/tiny-opt-preln"))) {
            for (JsonNode c : cases) {
                int[] expected = new ObjectMapper().convertValue(c.get("input_ids"), int[].class);
                assertArrayEquals(expected, tok.encode(c.get("text").asText(), true), c.get("text").asText());
            }
        }
    }

    @Test
    void specialTokensByVocabularyAndConfig() throws IOException {
        TextTokenizer opt = SharedTokenizers.opt();
        assertEquals(2, opt.bosId());
        assertEquals(2, opt.eosId());
        assertEquals(OptionalInt.of(1), opt.padId());
        assertTrue(opt.addsBos());
        assertEquals("</s>", opt.eosToken());
        assertEquals(50265, opt.vocabSize());

        for (TextTokenizer gpt2 : List.of(SharedTokenizers.gpt2Hf(), SharedTokenizers.gpt2Files(),
                loadFresh("models/tiny-gpt2-random"))) {
            assertEquals(50256, gpt2.bosId());
            assertEquals(50256, gpt2.eosId());
            assertEquals(OptionalInt.empty(), gpt2.padId(), gpt2.toString());
            assertFalse(gpt2.addsBos());
            assertEquals("<|endoftext|>", gpt2.eosToken());
            assertEquals(50257, gpt2.vocabSize());
            TextTokenizer padded = gpt2.withPadToken(gpt2.eosId());
            assertEquals(OptionalInt.of(50256), padded.padId());
            assertEquals(OptionalInt.empty(), gpt2.padId(), "withPadToken must not change the original");
        }
    }

    @Test
    void eosTextMapsToEosIdAndDecodeCanSkipIt() {
        TextTokenizer opt = SharedTokenizers.opt();
        int[] ids = opt.encode("done</s>", true);
        assertArrayEquals(new int[] {2, 27057, 2}, ids);
        assertEquals("</s>done</s>", opt.decode(ids, false));
        assertEquals("done", opt.decode(ids, true));

        TextTokenizer gpt2 = SharedTokenizers.gpt2Files();
        int[] g = gpt2.encode("done<|endoftext|>", true);
        assertEquals(50256, g[g.length - 1]);
        assertEquals("done", gpt2.decode(g, true));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
    void hardTextsMatchReferenceAndRoundTrip(int index) {
        String text = HARD_TEXTS.get(index);
        int[] expected = gpt2Reference.ids(text);
        assertArrayEquals(expected, SharedTokenizers.gpt2Hf().encode(text, true), text);
        assertArrayEquals(expected, SharedTokenizers.gpt2Files().encode(text, true), text);
        assertArrayEquals(optReference.ids(text), SharedTokenizers.opt().encode(text, false), text);
        assertEquals(text, SharedTokenizers.gpt2Files().decode(expected, false));
        assertEquals(text, SharedTokenizers.opt().decode(SharedTokenizers.opt().encode(text, true), true));
    }

    @Test
    void runsOfSpacesHandCheckedIds() {
        // "a" + 4 spaces + "b": the regex gives "a", "   " (3 spaces, \s+(?!\S)), " b"; GPT-2 has no "Ġ Ġ" merge
        TextTokenizer gpt2 = SharedTokenizers.gpt2Files();
        int[] ids = gpt2.encode("a    b", false);
        assertEquals(List.of("a", "Ġ", "Ġ", "Ġ", "Ġb"), Arrays.stream(ids).mapToObj(gpt2::tokenString).toList());
        assertArrayEquals(new int[] {64, 220, 220, 220, 275}, ids);
        // "\n\n" alone is one token (628) but splits in two (198, 198) when text follows
        assertArrayEquals(new int[] {32, 25, 628}, gpt2.encode("A:\n\n", false));
        assertArrayEquals(new int[] {32, 25, 198, 198, 21943}, gpt2.encode("A:\n\nfoo", false));
    }

    /** The acceptance comparison: both GPT-2 sources and the reference agree on all 2,017 CodeAlpaca rows. */
    @Test
    void gpt2SourcesAgreeOnAllCodeAlpacaRows() {
        assertEquals(2017, codeAlpacaTexts.size());
        TextTokenizer hf = SharedTokenizers.gpt2Hf();
        TextTokenizer files = SharedTokenizers.gpt2Files();
        long tokens = 0;
        for (int i = 0; i < codeAlpacaTexts.size(); i++) {
            String text = codeAlpacaTexts.get(i);
            int[] a = hf.encode(text, true);
            assertArrayEquals(a, files.encode(text, true), "row " + i);
            assertArrayEquals(gpt2Reference.ids(text), a, "row " + i + " vs reference BPE");
            assertEquals(text, files.decode(a, false), "round trip row " + i);
            tokens += a.length;
        }
        assertTrue(tokens > 200_000, "suspiciously few tokens: " + tokens);
    }

    /** OPT's fairseq ids are a relabelling of GPT-2's tokens: same token strings, ids looked up in OPT's vocab. */
    @Test
    void optIdsAreGpt2TokensRelabelledOnAllCodeAlpacaRows() {
        TextTokenizer opt = SharedTokenizers.opt();
        TextTokenizer gpt2 = SharedTokenizers.gpt2Files();
        for (int i = 0; i < codeAlpacaTexts.size(); i++) {
            String text = codeAlpacaTexts.get(i);
            int[] g = gpt2.encode(text, false);
            int[] relabelled = Arrays.stream(g).map(id -> opt.tokenId(gpt2.tokenString(id)).getAsInt()).toArray();
            int[] o = opt.encode(text, true);
            assertEquals(2, o[0]);
            assertArrayEquals(relabelled, Arrays.copyOfRange(o, 1, o.length), "row " + i);
            assertEquals(text, opt.decode(o, true), "round trip row " + i);
        }
    }

    @Test
    void noHiddenTruncationOrPadding() {
        // the shipped GPT-2 tokenizer.json truncates at 50 tokens; we must not
        String longText = " word".repeat(3000);
        assertEquals(3000, SharedTokenizers.gpt2Hf().encode(longText, true).length);
        assertEquals(3001, SharedTokenizers.opt().encode(longText, true).length);
    }

    @Test
    void concurrentEncodingMatchesSequential() throws Exception {
        TextTokenizer tok = SharedTokenizers.opt();
        List<int[]> sequential = codeAlpacaTexts.subList(0, 400).stream().map(t -> tok.encode(t, true)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<int[]>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> codeAlpacaTexts.subList(0, 400).stream()
                        .map(x -> tok.encode(x, true)).toList()));
            }
            for (Future<List<int[]>> f : futures) {
                List<int[]> got = f.get();
                for (int i = 0; i < sequential.size(); i++) {
                    assertArrayEquals(sequential.get(i), got.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void saveToWritesAHuggingFaceLayoutThatLoadsBackIdentically(@TempDir Path dir) throws IOException {
        TextTokenizer opt = SharedTokenizers.opt();
        opt.saveTo(dir);
        JsonNode config = new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals("</s>", config.get("bos_token").asText());
        assertEquals("<pad>", config.get("pad_token").asText());
        assertTrue(config.get("add_bos_token").asBoolean());
        assertEquals("PreTrainedTokenizerFast", config.get("tokenizer_class").asText());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals("TemplateProcessing", json.get("post_processor").get("type").asText());
        assertEquals("ByteLevel", json.get("pre_tokenizer").get("type").asText());
        assertTrue(json.get("truncation").isNull());
        assertTrue(Files.isRegularFile(dir.resolve("special_tokens_map.json")));

        try (TextTokenizer back = TextTokenizer.load(dir)) {
            for (String text : HARD_TEXTS) {
                assertArrayEquals(opt.encode(text, true), back.encode(text, true), text);
            }
            assertEquals(opt.padId(), back.padId());
            assertTrue(back.addsBos());
        }
        // GPT-2 with pad = eos keeps its pad through a save
        Path g = dir.resolve("gpt2");
        SharedTokenizers.gpt2Files().withPadToken(50256).saveTo(g);
        try (TextTokenizer back = TextTokenizer.load(g)) {
            assertEquals(OptionalInt.of(50256), back.padId());
            assertFalse(back.addsBos());
        }
    }

    @Test
    void tokenizerConfigOverridesVocabularyDefaults(@TempDir Path dir) throws IOException {
        Files.copy(data("tokenizers/opt/vocab.json"), dir.resolve("vocab.json"));
        Files.copy(data("tokenizers/opt/merges.txt"), dir.resolve("merges.txt"));
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"add_bos_token\": false, \"eos_token\": {\"content\": \"</s>\"}, \"pad_token\": null}");
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            assertFalse(tok.addsBos());
            assertArrayEquals(new int[] {31414, 6, 127, 2335, 16, 11962}, tok.encode("Hello, my dog is cute", true));
            assertEquals(OptionalInt.empty(), tok.padId());
        }
    }

    @Test
    void clearErrorsForBadDirectories(@TempDir Path dir) throws IOException {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(dir));
        assertTrue(none.getMessage().contains("expected tokenizer.json, or vocab.json together with merges.txt"),
                none.getMessage());
        Files.copy(data("tokenizers/gpt2/vocab.json"), dir.resolve("vocab.json"));
        IllegalArgumentException noMerges = assertThrows(IllegalArgumentException.class,
                () -> TextTokenizer.load(dir));
        assertTrue(noMerges.getMessage().contains("merges.txt is missing"), noMerges.getMessage());
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nĠ t\nbroken\n", StandardCharsets.UTF_8);
        IllegalArgumentException badMerges = assertThrows(IllegalArgumentException.class,
                () -> TextTokenizer.load(dir));
        assertTrue(badMerges.getMessage().contains("line 3"), badMerges.getMessage());
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nĠ t\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<nope>\"}");
        IllegalArgumentException badEos = assertThrows(IllegalArgumentException.class,
                () -> TextTokenizer.load(dir));
        assertTrue(badEos.getMessage().contains("eos_token '<nope>'"), badEos.getMessage());
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharedTokenizers.opt().decode(new int[] {2, 50270}, false));
        assertTrue(e.getMessage().contains("50270 at position 1"), e.getMessage());
    }

    private static TextTokenizer loadFresh(String relative) throws IOException {
        return TextTokenizer.load(data(relative));
    }
}
