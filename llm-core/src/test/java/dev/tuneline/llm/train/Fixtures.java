package dev.tuneline.llm.train;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test data from the shared folder, tokenised with the GPT-2 tokenizer.json: CodeAlpaca rows in the lab's template
 * (loss only on the response and EOS) and HH preference pairs ({@code prompt + answer + EOS}).
 */
final class Fixtures {
    static final int GPT2_VOCAB = 50257;
    static final int EOS = 50256;

    private Fixtures() {}

    static Path shared() {
        return Path.of(System.getProperty("tuneline.shared.dir", "../../shared"), "data");
    }

    static HuggingFaceTokenizer gpt2() throws IOException {
        return HuggingFaceTokenizer.builder().optTokenizerPath(shared().resolve("tokenizers/gpt2-hf/tokenizer.json"))
                .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build();
    }

    static int[] ids(HuggingFaceTokenizer tok, String text) {
        return Arrays.stream(tok.encode(text).getIds()).mapToInt(l -> (int) l).toArray();
    }

    /** One SFT row: ids and labels (-100 on the prompt), truncated to maxLen. */
    record Row(int[] ids, int[] labels) {}

    static List<Row> codeAlpaca(int count, int maxLen) throws IOException {
        JsonNode all = new ObjectMapper().readTree(shared().resolve("sft/code_alpaca_2k.json").toFile());
        List<Row> rows = new ArrayList<>();
        try (HuggingFaceTokenizer tok = gpt2()) {
            for (int i = 0; i < count; i++) {
                JsonNode r = all.get(i);
                String input = r.path("input").asText("");
                String prompt = "### Instruction:\n" + r.get("instruction").asText()
                        + (input.isEmpty() ? "" : "\n" + input) + "\n\n### Response:\n";
                int[] p = ids(tok, prompt);
                int[] a = ids(tok, r.get("output").asText());
                int n = Math.min(maxLen, p.length + a.length + 1);
                int[] ids = new int[n];
                int[] labels = new int[n];
                for (int t = 0; t < n; t++) {
                    ids[t] = t < p.length ? p[t] : t < p.length + a.length ? a[t - p.length] : EOS;
                    labels[t] = t < p.length ? MaskedLmLoss.IGNORE_INDEX : ids[t];
                }
                rows.add(new Row(ids, labels));
            }
        }
        return rows;
    }

    /**
     * Renumbers the GPT-2 ids used by {@code rows} densely (EOS last) so a tiny model need not carry a 50,257-row
     * head on a 2-core test machine; returns the new rows, and the vocabulary size in {@code vocabOut[0]}.
     */
    static List<Row> compact(List<Row> rows, int[] vocabOut) {
        java.util.TreeMap<Integer, Integer> map = new java.util.TreeMap<>();
        rows.forEach(r -> Arrays.stream(r.ids()).filter(i -> i != EOS).forEach(i -> map.put(i, 0)));
        int next = 0;
        for (Integer k : map.keySet()) {
            map.put(k, next++);
        }
        map.put(EOS, next++);
        vocabOut[0] = next;
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            int[] ids = Arrays.stream(r.ids()).map(map::get).toArray();
            int[] labels = Arrays.stream(r.labels()).map(l -> l == MaskedLmLoss.IGNORE_INDEX ? l : map.get(l)).toArray();
            out.add(new Row(ids, labels));
        }
        return out;
    }

    /** The EOS id of rows made by {@link #compact}: the last id of the vocabulary. */
    static int compactEos(int vocab) {
        return vocab - 1;
    }

    /** Right-pads rows with EOS (mask 0, label -100). */
    static TokenBatch collate(List<Row> rows) {
        return collate(rows, EOS);
    }

    /** Right-pads rows with {@code pad} (mask 0, label -100). */
    static TokenBatch collate(List<Row> rows, int pad) {
        int t = rows.stream().mapToInt(r -> r.ids().length).max().orElseThrow();
        int[][] ids = new int[rows.size()][t];
        int[][] labels = new int[rows.size()][t];
        int[][] mask = new int[rows.size()][t];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Arrays.fill(ids[i], pad);
            Arrays.fill(labels[i], MaskedLmLoss.IGNORE_INDEX);
            System.arraycopy(r.ids(), 0, ids[i], 0, r.ids().length);
            System.arraycopy(r.labels(), 0, labels[i], 0, r.labels().length);
            Arrays.fill(mask[i], 0, r.ids().length, 1);
        }
        return new TokenBatch(ids, labels, mask);
    }

    /** One preference pair as token ids: prompt + answer + EOS, each side cut to maxLen from the left. */
    record Pair(int[] chosen, int[] rejected) {}

    static List<Pair> hhPairs(int count, int maxLen) throws IOException {
        List<String> lines = Files.readAllLines(shared().resolve("preference/hh_helpful_pairs.jsonl"));
        ObjectMapper json = new ObjectMapper();
        List<Pair> out = new ArrayList<>();
        try (HuggingFaceTokenizer tok = gpt2()) {
            for (String line : lines) {
                if (out.size() == count) {
                    break;
                }
                JsonNode r = json.readTree(line);
                int[] c = keepTail(ids(tok, r.get("prompt").asText() + r.get("chosen").asText()), maxLen);
                int[] j = keepTail(ids(tok, r.get("prompt").asText() + r.get("rejected").asText()), maxLen);
                if (!Arrays.equals(c, j)) {
                    out.add(new Pair(c, j));
                }
            }
        }
        return out;
    }

    private static int[] keepTail(int[] ids, int maxLen) {
        int[] withEos = Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = EOS;
        return withEos.length <= maxLen ? withEos : Arrays.copyOfRange(withEos, withEos.length - maxLen, withEos.length);
    }

    /** {@link #compact} for pairs: dense ids (EOS last), vocabulary size in {@code vocabOut[0]}. */
    static List<Pair> compactPairs(List<Pair> pairs, int[] vocabOut) {
        java.util.TreeMap<Integer, Integer> map = new java.util.TreeMap<>();
        for (Pair p : pairs) {
            Arrays.stream(p.chosen()).filter(i -> i != EOS).forEach(i -> map.put(i, 0));
            Arrays.stream(p.rejected()).filter(i -> i != EOS).forEach(i -> map.put(i, 0));
        }
        int next = 0;
        for (Integer k : map.keySet()) {
            map.put(k, next++);
        }
        map.put(EOS, next++);
        vocabOut[0] = next;
        return pairs.stream().map(p -> new Pair(Arrays.stream(p.chosen()).map(map::get).toArray(),
                Arrays.stream(p.rejected()).map(map::get).toArray())).toList();
    }

    static PairBatch collatePairs(List<Pair> pairs) {
        return collatePairs(pairs, EOS);
    }

    /** Right-pads both sides with {@code pad}. */
    static PairBatch collatePairs(List<Pair> pairs, int pad) {
        List<int[]> c = pairs.stream().map(Pair::chosen).toList();
        List<int[]> r = pairs.stream().map(Pair::rejected).toList();
        int[][][] cm = pad(c, pad);
        int[][][] rm = pad(r, pad);
        return new PairBatch(cm[0], cm[1], rm[0], rm[1]);
    }

    private static int[][][] pad(List<int[]> rows, int pad) {
        int t = rows.stream().mapToInt(a -> a.length).max().orElseThrow();
        int[][] ids = new int[rows.size()][t];
        int[][] mask = new int[rows.size()][t];
        for (int i = 0; i < rows.size(); i++) {
            Arrays.fill(ids[i], pad);
            System.arraycopy(rows.get(i), 0, ids[i], 0, rows.get(i).length);
            Arrays.fill(mask[i], 0, rows.get(i).length, 1);
        }
        return new int[][][] {ids, mask};
    }
}
