package dev.tuneline.llm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a tokenizer directory (HuggingFace layout) into one canonical {@code tokenizer.json} tree plus the
 * resolved special tokens. Package-private: {@link TextTokenizer#load(Path)} is the public entry point.
 *
 * <p>Resolution order for each special token: {@code tokenizer_config.json}, then {@code special_tokens_map.json},
 * then the ids in {@code config.json}, then defaults by vocabulary (OPT's fairseq layout or GPT-2's
 * {@code <|endoftext|>}). Whether a BOS is prepended: {@code add_bos_token} in {@code tokenizer_config.json}, else
 * what the {@code tokenizer.json} post-processor does, else true for an OPT vocabulary and false otherwise.
 */
final class TokenizerFiles {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Tokens that are special whenever a vocabulary contains them (fairseq/OPT and GPT-2). */
    private static final List<String> KNOWN_SPECIALS = List.of("<s>", "<pad>", "</s>", "<unk>", "<|endoftext|>");

    /** Everything {@link TextTokenizer} needs, resolved. */
    record Resolved(ObjectNode tokenizerJson, String[] idToToken, Map<String, Integer> tokenToId,
                    String bos, String eos, String pad, String unk, boolean addsBos, String source) {
    }

    private TokenizerFiles() {
    }

    static Resolved read(Path location) throws IOException {
        Path dir = Files.isRegularFile(location) ? location.toAbsolutePath().getParent() : location;
        Path tokenizerJsonFile = Files.isRegularFile(location) ? location : dir.resolve("tokenizer.json");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("tokenizer directory does not exist: " + dir);
        }
        JsonNode tokenizerConfig = readOptional(dir.resolve("tokenizer_config.json"));
        JsonNode specialTokensMap = readOptional(dir.resolve("special_tokens_map.json"));
        JsonNode modelConfig = readOptional(dir.resolve("config.json"));

        ObjectNode tokenizerJson;
        String source;
        boolean fromTokenizerJson = Files.isRegularFile(tokenizerJsonFile);
        if (fromTokenizerJson) {
            JsonNode parsed = readRequired(tokenizerJsonFile);
            if (!parsed.isObject()) {
                throw new IllegalArgumentException(tokenizerJsonFile + " must be a JSON object");
            }
            tokenizerJson = (ObjectNode) parsed;
            source = tokenizerJsonFile.toString();
        } else {
            Path vocab = dir.resolve("vocab.json");
            Path merges = dir.resolve("merges.txt");
            if (!Files.isRegularFile(vocab) || !Files.isRegularFile(merges)) {
                throw new IllegalArgumentException("no tokenizer in " + dir
                        + ": expected tokenizer.json, or vocab.json together with merges.txt"
                        + (Files.isRegularFile(vocab) ? " (merges.txt is missing)" : "")
                        + (Files.isRegularFile(merges) ? " (vocab.json is missing)" : ""));
            }
            tokenizerJson = byteLevelBpe(vocab, merges);
            source = vocab + " + " + merges;
        }

        Map<String, Integer> tokenToId = vocabulary(tokenizerJson, source);
        int size = tokenToId.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] idToToken = new String[size];
        tokenToId.forEach((token, id) -> idToToken[id] = token);

        boolean optVocab = Integer.valueOf(1).equals(tokenToId.get("<pad>"))
                && Integer.valueOf(2).equals(tokenToId.get("</s>"));
        boolean gpt2Vocab = tokenToId.containsKey("<|endoftext|>");

        String bos = resolveToken("bos", tokenizerConfig, specialTokensMap, modelConfig, idToToken);
        String eos = resolveToken("eos", tokenizerConfig, specialTokensMap, modelConfig, idToToken);
        String pad = resolveToken("pad", tokenizerConfig, specialTokensMap, modelConfig, idToToken);
        String unk = resolveToken("unk", tokenizerConfig, specialTokensMap, modelConfig, idToToken);
        boolean padExplicitlyNone = explicitlyNull("pad_token", tokenizerConfig, specialTokensMap);
        if (optVocab) {
            bos = bos != null ? bos : "</s>";
            eos = eos != null ? eos : "</s>";
            pad = pad != null || padExplicitlyNone ? pad : "<pad>";
            unk = unk != null ? unk : "</s>";
        } else if (gpt2Vocab) {
            bos = bos != null ? bos : "<|endoftext|>";
            eos = eos != null ? eos : "<|endoftext|>";
            unk = unk != null ? unk : "<|endoftext|>";
        }
        if (eos == null) {
            throw new IllegalArgumentException("cannot tell the EOS token of " + source
                    + ": add eos_token to tokenizer_config.json (or eos_token_id to config.json)");
        }
        if (bos == null) {
            bos = eos;
        }
        for (String[] named : new String[][] {{"bos_token", bos}, {"eos_token", eos}, {"pad_token", pad},
                {"unk_token", unk}}) {
            if (named[1] != null && !tokenToId.containsKey(named[1])) {
                throw new IllegalArgumentException(named[0] + " '" + named[1] + "' configured for " + source
                        + " is not in its vocabulary");
            }
        }

        markSpecial(tokenizerJson, tokenToId, List.of(bos, eos), pad, unk, tokenizerConfig);

        Optional<String> processorBos = postProcessorBos(tokenizerJson.get("post_processor"), source);
        boolean addsBos;
        JsonNode addBosFlag = tokenizerConfig == null ? null : tokenizerConfig.get("add_bos_token");
        if (addBosFlag != null && addBosFlag.isBoolean()) {
            addsBos = addBosFlag.booleanValue();
        } else if (fromTokenizerJson) {
            addsBos = processorBos.isPresent();
        } else {
            addsBos = optVocab;
        }
        if (addsBos && processorBos.isPresent() && !processorBos.get().equals(bos)) {
            throw new IllegalArgumentException(source + ": its post-processor prepends '" + processorBos.get()
                    + "' but the configured bos_token is '" + bos + "'");
        }
        if (addsBos != processorBos.isPresent() || !tokenizerJson.hasNonNull("post_processor")) {
            tokenizerJson.set("post_processor", addsBos
                    ? bosTemplate(bos, tokenToId.get(bos))
                    : plainPostProcessor(tokenizerJson));
        }
        // we truncate and pad ourselves: no hidden limits (GPT-2's shipped tokenizer.json truncates at 50)
        tokenizerJson.putNull("truncation");
        tokenizerJson.putNull("padding");
        return new Resolved(tokenizerJson, idToToken, tokenToId, bos, eos, pad, unk, addsBos, source);
    }

    /** A full byte-level BPE tokenizer.json (as GPT-2's) from a vocab.json and a merges.txt. */
    static ObjectNode byteLevelBpe(Path vocabFile, Path mergesFile) throws IOException {
        JsonNode vocab = readRequired(vocabFile);
        if (!vocab.isObject()) {
            throw new IllegalArgumentException(vocabFile + " must be a JSON object of token -> id");
        }
        ArrayNode merges = NODES.arrayNode();
        List<String> lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IllegalArgumentException(mergesFile + " line " + (i + 1)
                        + ": expected two tokens separated by one space, got '" + line + "'");
            }
            merges.add(line);
        }
        ObjectNode json = NODES.objectNode();
        json.put("version", "1.0");
        json.putNull("truncation");
        json.putNull("padding");
        json.set("added_tokens", NODES.arrayNode());
        json.putNull("normalizer");
        json.set("pre_tokenizer", byteLevel(false, true));
        json.putNull("post_processor");
        json.set("decoder", byteLevel(true, true));
        ObjectNode model = json.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocab);
        model.set("merges", merges);
        return json;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode node = NODES.objectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", addPrefixSpace);
        node.put("trim_offsets", trimOffsets);
        node.put("use_regex", true);
        return node;
    }

    /** The post-processor HF's GPT-2 converter writes when add_bos_token is true. */
    private static ObjectNode bosTemplate(String bos, int bosId) {
        ObjectNode node = NODES.objectNode();
        node.put("type", "TemplateProcessing");
        ArrayNode single = node.putArray("single");
        single.add(piece("SpecialToken", bos, 0));
        single.add(piece("Sequence", "A", 0));
        ArrayNode pair = node.putArray("pair");
        pair.add(piece("SpecialToken", bos, 0));
        pair.add(piece("Sequence", "A", 0));
        pair.add(piece("Sequence", "B", 1));
        ObjectNode token = node.putObject("special_tokens").putObject(bos);
        token.put("id", bos);
        token.putArray("ids").add(bosId);
        token.putArray("tokens").add(bos);
        return node;
    }

    private static JsonNode plainPostProcessor(ObjectNode tokenizerJson) {
        JsonNode pre = tokenizerJson.get("pre_tokenizer");
        if (pre != null && "ByteLevel".equals(pre.path("type").asText())) {
            return byteLevel(true, false);
        }
        return NODES.nullNode();
    }

    /** A template piece: {"SpecialToken": {...}} or {"Sequence": {...}}. */
    private static ObjectNode piece(String kind, String id, int typeId) {
        ObjectNode node = NODES.objectNode();
        ObjectNode inner = node.putObject(kind);
        inner.put("id", id);
        inner.put("type_id", typeId);
        return node;
    }

    /**
     * The token a post-processor prepends, empty when it adds nothing. Post-processors that add anything else
     * (a suffix, a second special) are rejected: causal-LM tokenizers here add at most a leading BOS.
     */
    static Optional<String> postProcessorBos(JsonNode processor, String source) {
        if (processor == null || processor.isNull()) {
            return Optional.empty();
        }
        String type = processor.path("type").asText();
        switch (type) {
            case "ByteLevel":
                return Optional.empty();
            case "Sequence": {
                Optional<String> found = Optional.empty();
                for (JsonNode child : processor.path("processors")) {
                    Optional<String> bos = postProcessorBos(child, source);
                    if (bos.isPresent()) {
                        found = bos;
                    }
                }
                return found;
            }
            case "TemplateProcessing": {
                JsonNode single = processor.path("single");
                List<String> specials = new ArrayList<>();
                int sequences = 0;
                for (int i = 0; i < single.size(); i++) {
                    JsonNode piece = single.get(i);
                    if (piece.has("SpecialToken")) {
                        if (i != 0) {
                            throw unsupported(source, "its post-processor appends " + piece.get("SpecialToken"));
                        }
                        specials.add(piece.get("SpecialToken").path("id").asText());
                    } else {
                        sequences++;
                    }
                }
                if (sequences != 1) {
                    throw unsupported(source, "its post-processor template has " + sequences + " sequences");
                }
                if (specials.isEmpty()) {
                    return Optional.empty();
                }
                JsonNode ids = processor.path("special_tokens").path(specials.get(0)).path("tokens");
                return Optional.of(ids.isArray() && ids.size() == 1 ? ids.get(0).asText() : specials.get(0));
            }
            default:
                throw unsupported(source, "post-processor type " + type);
        }
    }

    private static IllegalArgumentException unsupported(String source, String what) {
        return new IllegalArgumentException(source + ": unsupported tokenizer (" + what
                + "); only causal-LM tokenizers that add at most a leading BOS are supported");
    }

    /** token -> id of the model's vocabulary plus the added tokens. */
    private static Map<String, Integer> vocabulary(ObjectNode tokenizerJson, String source) {
        JsonNode vocab = tokenizerJson.path("model").path("vocab");
        if (!vocab.isObject()) {
            throw new IllegalArgumentException(source + ": model.vocab must be a token -> id object (BPE); got "
                    + tokenizerJson.path("model").path("type").asText("no model"));
        }
        Map<String, Integer> map = new LinkedHashMap<>(vocab.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().intValue() < 0) {
                throw new IllegalArgumentException(source + ": vocab entry '" + e.getKey()
                        + "' has id " + e.getValue() + ", expected a non-negative integer");
            }
            map.put(e.getKey(), e.getValue().intValue());
        }
        for (JsonNode added : tokenizerJson.path("added_tokens")) {
            map.put(added.path("content").asText(), added.path("id").asInt());
        }
        return map;
    }

    /** Registers special tokens as added tokens so their literal text maps to their id and decode can skip them. */
    private static void markSpecial(ObjectNode tokenizerJson, Map<String, Integer> tokenToId, List<String> specials,
                                    String pad, String unk, JsonNode tokenizerConfig) {
        ArrayNode added = tokenizerJson.has("added_tokens") && tokenizerJson.get("added_tokens").isArray()
                ? (ArrayNode) tokenizerJson.get("added_tokens") : tokenizerJson.putArray("added_tokens");
        List<String> wanted = new ArrayList<>(specials);
        if (pad != null) {
            wanted.add(pad);
        }
        if (unk != null) {
            wanted.add(unk);
        }
        for (String known : KNOWN_SPECIALS) {
            if (tokenToId.containsKey(known)) {
                wanted.add(known);
            }
        }
        if (tokenizerConfig != null) {
            tokenizerConfig.path("added_tokens_decoder").forEach(t -> {
                if (t.path("special").asBoolean(false)) {
                    wanted.add(t.path("content").asText());
                }
            });
        }
        for (String token : wanted) {
            boolean present = false;
            for (JsonNode a : added) {
                if (a.path("content").asText().equals(token)) {
                    present = true;
                    break;
                }
            }
            if (!present && tokenToId.containsKey(token)) {
                ObjectNode entry = added.addObject();
                entry.put("id", tokenToId.get(token));
                entry.put("content", token);
                entry.put("single_word", false);
                entry.put("lstrip", false);
                entry.put("rstrip", false);
                entry.put("normalized", true);
                entry.put("special", true);
            }
        }
    }

    private static String resolveToken(String kind, JsonNode tokenizerConfig, JsonNode specialTokensMap,
                                       JsonNode modelConfig, String[] idToToken) {
        String key = kind + "_token";
        String value = tokenValue(tokenizerConfig == null ? null : tokenizerConfig.get(key));
        if (value == null) {
            value = tokenValue(specialTokensMap == null ? null : specialTokensMap.get(key));
        }
        if (value == null && modelConfig != null) {
            JsonNode id = modelConfig.get(kind + "_token_id");
            if (id != null && id.canConvertToInt() && id.intValue() >= 0 && id.intValue() < idToToken.length) {
                value = idToToken[id.intValue()];
            }
        }
        return value;
    }

    private static boolean explicitlyNull(String key, JsonNode... configs) {
        for (JsonNode c : configs) {
            if (c != null && c.has(key)) {
                return c.get(key).isNull();
            }
        }
        return false;
    }

    /** A token given as a string or as an AddedToken object {"content": ...}. */
    private static String tokenValue(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isObject() && node.hasNonNull("content")) {
            return node.get("content").asText();
        }
        return null;
    }

    private static JsonNode readOptional(Path file) throws IOException {
        return Files.isRegularFile(file) ? readRequired(file) : null;
    }

    private static JsonNode readRequired(Path file) throws IOException {
        try {
            return JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static byte[] toBytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
