package dev.tuneline.llm.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Word n-gram keys for one segment: tokens get small integer ids from a per-segment vocabulary and an
 * n-gram becomes the string of its ids (one char per id, or two when the segment has 65,535 tokens or
 * more), so the key's length gives its order and equal keys mean equal token sequences.
 */
final class NgramIndex {

    private final Map<String, Integer> vocab = new HashMap<>();
    private final boolean wide;

    /** @param tokenBudget an upper bound on the number of distinct tokens this index will ever see */
    NgramIndex(int tokenBudget) {
        this.wide = tokenBudget >= 0xFFFF;
    }

    /** Ids of tokens, adding unseen ones to the vocabulary. */
    int[] encodeAdding(String[] tokens) {
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            Integer id = vocab.get(tokens[i]);
            if (id == null) {
                id = vocab.size();
                vocab.put(tokens[i], id);
            }
            ids[i] = id;
        }
        return ids;
    }

    /** Ids of tokens, with -1 for tokens the vocabulary has not seen (n-grams with them match nothing). */
    int[] encodeKnown(String[] tokens) {
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = vocab.getOrDefault(tokens[i], -1);
        }
        return ids;
    }

    /** The key of the n-gram {@code ids[start, start + n)}. */
    String key(int[] ids, int start, int n) {
        if (!wide) {
            char[] c = new char[n];
            for (int j = 0; j < n; j++) {
                c[j] = (char) ids[start + j];
            }
            return new String(c);
        }
        char[] c = new char[2 * n];
        for (int j = 0; j < n; j++) {
            c[2 * j] = (char) (ids[start + j] >>> 16);
            c[2 * j + 1] = (char) ids[start + j];
        }
        return new String(c);
    }

    /** The order n of a key made by {@link #key}. */
    int order(String key) {
        return wide ? key.length() / 2 : key.length();
    }

    /** Counts every n-gram of order 1..maxOrder of ids (which must all be known) into a new map. */
    Map<String, Integer> count(int[] ids, int maxOrder) {
        Map<String, Integer> counts = new HashMap<>();
        for (int n = 1; n <= maxOrder; n++) {
            for (int i = 0; i + n <= ids.length; i++) {
                counts.merge(key(ids, i, n), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * Clipped matches per order: for each n-gram of ids (ids may hold -1) that {@code refCounts} has, the
     * hypothesis count clipped to the reference count, summed per order into {@code correct[n - 1]}.
     */
    void clippedMatches(int[] ids, int maxOrder, Map<String, Integer> refCounts, long[] correct) {
        Map<String, Integer> hypCounts = new HashMap<>();
        for (int n = 1; n <= maxOrder; n++) {
            int lastUnknown = -1;
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0) {
                    lastUnknown = i;
                }
                int start = i - n + 1;
                if (start < 0 || lastUnknown >= start) {
                    continue;
                }
                String k = key(ids, start, n);
                if (refCounts.containsKey(k)) {
                    hypCounts.merge(k, 1, Integer::sum);
                }
            }
        }
        for (Map.Entry<String, Integer> e : hypCounts.entrySet()) {
            correct[order(e.getKey()) - 1] += Math.min(e.getValue(), refCounts.get(e.getKey()));
        }
    }
}
