package dev.tuneline.llm.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A byte-level BPE tokenizer for causal LMs, loaded from local HuggingFace files only, with its special tokens.
 *
 * <p>Loads {@code tokenizer.json}, or builds the full byte-level BPE (ByteLevel pre-tokenizer and decoder, BOS
 * post-processor) from {@code vocab.json} + {@code merges.txt}; see {@link #load(Path)} for how special tokens and
 * BOS are resolved. Truncation and padding are always off inside the native tokenizer: callers cut and pad ids
 * themselves.
 *
 * <p>Thread-safe: instances are immutable and the native HuggingFace tokenizer encodes and decodes concurrently
 * (see {@code TextTokenizerTest#concurrentEncodingMatchesSequential}). {@link #close()} releases the native
 * tokenizer, which is shared with the instances derived by {@link #withPadToken(int)}.
 */
public final class TextTokenizer implements AutoCloseable {

    /** Options for DJL: no special tokens by default, no truncation, no padding (we do both ourselves). */
    private static final Map<String, String> NATIVE_OPTIONS = Map.of(
            "addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer hf;
    private final ObjectNode tokenizerJson;
    private final String[] idToToken;
    private final Map<String, Integer> tokenToId;
    private final String bos;
    private final String eos;
    private final String unk;
    private final Integer padId;
    private final boolean addsBos;
    private final String source;

    private TextTokenizer(HuggingFaceTokenizer hf, ObjectNode tokenizerJson, String[] idToToken,
                          Map<String, Integer> tokenToId, String bos, String eos, String unk, Integer padId,
                          boolean addsBos, String source) {
        this.hf = hf;
        this.tokenizerJson = tokenizerJson;
        this.idToToken = idToToken;
        this.tokenToId = tokenToId;
        this.bos = bos;
        this.eos = eos;
        this.unk = unk;
        this.padId = padId;
        this.addsBos = addsBos;
        this.source = source;
    }

    /**
     * Loads the tokenizer in {@code dir} (or the {@code tokenizer.json} file given as {@code dir}).
     *
     * <p>Source: {@code tokenizer.json} when present, else {@code vocab.json} + {@code merges.txt} turned into a
     * full byte-level BPE. Special tokens: {@code tokenizer_config.json}, then {@code special_tokens_map.json}, then
     * the ids in {@code config.json}, then by vocabulary: an OPT vocabulary ({@code <pad>}=1, {@code </s>}=2) gives
     * bos = eos = {@code </s>}, pad = {@code <pad>} and prepends the BOS; a GPT-2 vocabulary gives
     * bos = eos = {@code <|endoftext|>}, no pad, no BOS. {@code add_bos_token} in {@code tokenizer_config.json}
     * overrides what the {@code tokenizer.json} post-processor does.
     *
     * @throws IOException when a file cannot be read
     * @throws IllegalArgumentException when the directory holds no usable tokenizer, naming the file at fault
     */
    public static TextTokenizer load(Path dir) throws IOException {
        TokenizerFiles.Resolved r = TokenizerFiles.read(dir);
        HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(TokenizerFiles.toBytes(r.tokenizerJson())), NATIVE_OPTIONS);
        Integer padId = r.pad() == null ? null : r.tokenToId().get(r.pad());
        return new TextTokenizer(hf, r.tokenizerJson(), r.idToToken(), r.tokenToId(), r.bos(), r.eos(), r.unk(),
                padId, r.addsBos(), r.source());
    }

    /**
     * Token ids of {@code text}; with {@code addSpecialTokens} the BOS is prepended when {@link #addsBos()}.
     * Literal special-token text (e.g. {@code </s>}) maps to its special id, as in HuggingFace.
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        Objects.requireNonNull(text, "text");
        // Same native call as HuggingFaceTokenizer.encode (whose text preparation is a no-op with our options), but
        // fetches only the ids: building DJL's full Encoding (tokens, offsets, masks) costs about twice as much.
        long encoding = TokenizersLibrary.LIB.encode(hf.getHandle(), text, addSpecialTokens);
        long[] ids;
        try {
            ids = TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /**
     * Text of {@code ids}; byte-level decoding is exact, so {@code decode(encode(t, false), false)} equals
     * {@code t}. No clean-up of spaces is applied.
     *
     * @throws IllegalArgumentException for an id outside {@code [0, vocabSize())} (a model's embedding table can
     *         be larger than the vocabulary, e.g. OPT's 50,272 rows for 50,265 ids: mask those logits)
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= idToToken.length || idToToken[ids[i]] == null) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i
                        + " is not in the vocabulary of " + source + " (size " + idToToken.length + ")");
            }
            longs[i] = ids[i];
        }
        return hf.decode(longs, skipSpecialTokens);
    }

    /** The vocabulary's string for one id (byte-level form, e.g. {@code Ġdog}). */
    public String tokenString(int id) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of " + source);
        }
        return idToToken[id];
    }

    /** The id of a vocabulary or special token string, empty when absent. */
    public OptionalInt tokenId(String token) {
        Integer id = tokenToId.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** BOS id (equals EOS for GPT-2 and OPT). */
    public int bosId() {
        return tokenToId.get(bos);
    }

    /** EOS id: 2 for OPT, 50256 for GPT-2. */
    public int eosId() {
        return tokenToId.get(eos);
    }

    /** Pad id when the tokenizer has one (OPT: 1); GPT-2 has none unless {@link #withPadToken(int)} set it. */
    public OptionalInt padId() {
        return padId == null ? OptionalInt.empty() : OptionalInt.of(padId);
    }

    /** Whether {@code encode(text, true)} prepends the BOS (OPT: yes, GPT-2: no). */
    public boolean addsBos() {
        return addsBos;
    }

    /** Number of ids the tokenizer can produce (largest id + 1): 50,265 for OPT, 50,257 for GPT-2. */
    public int vocabSize() {
        return idToToken.length;
    }

    /** EOS text, appended to training examples: {@code </s>} (OPT) or {@code <|endoftext|>} (GPT-2). */
    public String eosToken() {
        return eos;
    }

    /** BOS text. */
    public String bosToken() {
        return bos;
    }

    /** Pad token text when there is a pad token. */
    public Optional<String> padToken() {
        return padId == null ? Optional.empty() : Optional.of(idToToken[padId]);
    }

    /** Where the tokenizer was loaded from (for messages). */
    public String source() {
        return source;
    }

    /**
     * A tokenizer identical to this one but padding with {@code padId} (e.g. {@code withPadToken(eosId())}, the
     * GPT-2 convention). Shares the native tokenizer with this instance.
     */
    public TextTokenizer withPadToken(int padId) {
        tokenString(padId);
        return new TextTokenizer(hf, tokenizerJson, idToToken, tokenToId, bos, eos, unk, padId, addsBos, source);
    }

    /**
     * This tokenizer if it has a pad token, else a copy that pads with EOS (GPT-2's usual setting; padding is masked
     * by position, so the real EOS is still trained on).
     */
    public TextTokenizer withEosPaddingIfMissing() {
        return padId().isPresent() ? this : withPadToken(eosId());
    }

    /**
     * Writes {@code tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json} to
     * {@code dir} (created if needed) in the layout transformers' {@code AutoTokenizer.from_pretrained} reads:
     * a fast tokenizer whose post-processor prepends the BOS exactly when {@link #addsBos()}.
     */
    public void saveTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("tokenizer.json"), TokenizerFiles.JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(tokenizerJson));
        ObjectNode specials = TokenizerFiles.JSON.createObjectNode();
        specials.put("bos_token", bos);
        specials.put("eos_token", eos);
        if (unk != null) {
            specials.put("unk_token", unk);
        }
        if (padId != null) {
            specials.put("pad_token", idToToken[padId]);
        }
        ObjectNode config = specials.deepCopy();
        config.put("add_bos_token", addsBos);
        config.put("add_eos_token", false);
        config.put("add_prefix_space", false);
        config.put("clean_up_tokenization_spaces", false);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        Files.write(dir.resolve("tokenizer_config.json"),
                TokenizerFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
        Files.write(dir.resolve("special_tokens_map.json"),
                TokenizerFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(specials));
    }

    /** Releases the native tokenizer (shared with instances from {@link #withPadToken(int)}). */
    @Override
    public void close() {
        hf.close();
    }

    @Override
    public String toString() {
        return "TextTokenizer[" + source + ", vocab " + idToToken.length + ", bos " + bos + (addsBos ? " (added)" : "")
                + ", eos " + eos + ", pad " + (padId == null ? "none" : idToToken[padId]) + "]";
    }
}
