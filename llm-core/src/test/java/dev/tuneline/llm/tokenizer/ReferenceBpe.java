package dev.tuneline.llm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent, slow, plain-Java GPT-2 byte-level BPE (the algorithm of OpenAI's encoder.py), used by tests as a
 * reference for the native tokenizer: regex pre-tokenization, bytes mapped to printable characters, then merges by
 * rank. Special tokens given to the constructor are matched as literal text first.
 */
public final class ReferenceBpe {

    private static final Pattern PRE_TOKENIZER = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private final Map<String, Integer> vocab = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();
    private final List<String> specials;
    private final char[] byteToChar = new char[256];

    public ReferenceBpe(Path vocabJson, Path mergesTxt, List<String> specials) throws IOException {
        JsonNode v = new ObjectMapper().readTree(vocabJson.toFile());
        v.fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().intValue()));
        List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        int rank = 0;
        for (String line : lines) {
            if (line.startsWith("#version") || line.isEmpty()) {
                continue;
            }
            ranks.put(line, rank++);
        }
        this.specials = specials;
        // bytes_to_unicode: printable latin-1 bytes map to themselves, the others to 256 + n
        List<Integer> printable = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            printable.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable.add(b);
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            byteToChar[b] = printable.contains(b) ? (char) b : (char) (256 + n++);
        }
    }

    /** Token strings of {@code text} (no BOS). */
    public List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int best = -1;
            String bestSpecial = null;
            for (String s : specials) {
                int at = text.indexOf(s, start);
                if (at >= 0 && (best < 0 || at < best)) {
                    best = at;
                    bestSpecial = s;
                }
            }
            int end = best < 0 ? text.length() : best;
            encodeOrdinary(text.substring(start, end), out);
            if (best < 0) {
                break;
            }
            out.add(bestSpecial);
            start = best + bestSpecial.length();
        }
        return out;
    }

    /** Ids of {@code text} (no BOS) in this reference's vocabulary. */
    public int[] ids(String text) {
        return tokens(text).stream().mapToInt(t -> {
            Integer id = vocab.get(t);
            if (id == null) {
                throw new IllegalStateException("reference BPE produced a token outside the vocabulary: " + t);
            }
            return id;
        }).toArray();
    }

    private void encodeOrdinary(String text, List<String> out) {
        Matcher m = PRE_TOKENIZER.matcher(text);
        while (m.find()) {
            byte[] bytes = m.group().getBytes(StandardCharsets.UTF_8);
            List<String> word = new ArrayList<>();
            for (byte b : bytes) {
                word.add(String.valueOf(byteToChar[b & 0xFF]));
            }
            out.addAll(bpe(word));
        }
    }

    private List<String> bpe(List<String> word) {
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            int bestAt = -1;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = ranks.get(word.get(i) + " " + word.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            String first = word.get(bestAt);
            String second = word.get(bestAt + 1);
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }
}
