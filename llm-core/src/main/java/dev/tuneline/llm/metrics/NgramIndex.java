package dev.tuneline.llm.metrics;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word n-gram counting for one segment. Tokens get small integer ids from a per-segment vocabulary. When the
 * segment has fewer than 65,535 tokens and the maximum order is at most 4, an n-gram is packed into one
 * {@code long} (16 bits per id + 1, so the order is implied by the non-zero groups) and counted by sorting;
 * otherwise it becomes a string of its ids (one char per id, or two for larger vocabularies) in a hash map.
 * Either way equal keys mean equal token sequences.
 */
final class NgramIndex {

    private final Map<String, Integer> vocab = new HashMap<>();
    private final boolean wide;
    private final boolean packed;

    /**
     * @param tokenBudget an upper bound on the number of distinct tokens this index will ever see
     * @param maxOrder    the highest n-gram order that will be counted
     */
    NgramIndex(int tokenBudget, int maxOrder) {
        this.wide = tokenBudget >= 0xFFFF;
        this.packed = !wide && maxOrder <= 4;
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

    /** Reference n-gram counts of orders 1..maxOrder, the maximum over the given references for each n-gram. */
    RefCounts referenceCounts(List<int[]> refs, int maxOrder) {
        if (packed) {
            long[] keys = null;
            int[] counts = null;
            for (int[] ids : refs) {
                long[] k = packedKeys(ids, maxOrder);
                Arrays.sort(k);
                int unique = runLength(k);
                int[] uc = runCounts(k, unique);
                long[] uk = Arrays.copyOf(k, unique);
                if (keys == null) {
                    keys = uk;
                    counts = uc;
                } else {
                    long[][] mk = new long[1][];
                    counts = mergeMax(keys, counts, uk, uc, mk);
                    keys = mk[0];
                }
            }
            return new RefCounts(keys == null ? new long[0] : keys, counts == null ? new int[0] : counts, null);
        }
        Map<String, Integer> merged = new HashMap<>();
        for (int[] ids : refs) {
            Map<String, Integer> c = new HashMap<>();
            for (int n = 1; n <= maxOrder; n++) {
                for (int i = 0; i + n <= ids.length; i++) {
                    c.merge(key(ids, i, n), 1, Integer::sum);
                }
            }
            for (Map.Entry<String, Integer> e : c.entrySet()) {
                merged.merge(e.getKey(), e.getValue(), Math::max);
            }
        }
        return new RefCounts(null, null, merged);
    }

    /** Reference n-gram counts of one segment, in one of the two key representations. */
    final class RefCounts {
        private final long[] keys;
        private final int[] counts;
        private final Map<String, Integer> map;

        private RefCounts(long[] keys, int[] counts, Map<String, Integer> map) {
            this.keys = keys;
            this.counts = counts;
            this.map = map;
        }

        /**
         * Adds to {@code correct[n - 1]} the clipped matches of order n: for each distinct n-gram of the
         * hypothesis ids (which may hold -1 for unknown tokens), min(hypothesis count, reference count).
         */
        void clippedMatches(int[] ids, int maxOrder, long[] correct) {
            if (map == null) {
                long[] k = packedKeys(ids, maxOrder);
                Arrays.sort(k);
                int j = 0;
                int i = 0;
                while (i < k.length) {
                    long key = k[i];
                    int run = 1;
                    while (i + run < k.length && k[i + run] == key) {
                        run++;
                    }
                    i += run;
                    if (key == 0) {
                        continue; // n-grams with unknown tokens
                    }
                    while (j < keys.length && keys[j] < key) {
                        j++;
                    }
                    if (j < keys.length && keys[j] == key) {
                        correct[packedOrder(key) - 1] += Math.min(run, counts[j]);
                    }
                }
                return;
            }
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
                    if (map.containsKey(k)) {
                        hypCounts.merge(k, 1, Integer::sum);
                    }
                }
            }
            for (Map.Entry<String, Integer> e : hypCounts.entrySet()) {
                correct[order(e.getKey()) - 1] += Math.min(e.getValue(), map.get(e.getKey()));
            }
        }
    }

    /**
     * Packed keys of every n-gram of order 1..maxOrder (at most 4): id + 1 in 16-bit groups; an n-gram that
     * contains an unknown id (-1) gets key 0.
     */
    private static long[] packedKeys(int[] ids, int maxOrder) {
        int len = ids.length;
        int total = 0;
        for (int n = 1; n <= maxOrder; n++) {
            total += Math.max(0, len - n + 1);
        }
        long[] keys = new long[total];
        int p = 0;
        for (int n = 1; n <= maxOrder; n++) {
            for (int i = 0; i + n <= len; i++) {
                long key = 0;
                for (int j = 0; j < n; j++) {
                    int id = ids[i + j];
                    if (id < 0) {
                        key = 0;
                        break;
                    }
                    key |= (long) (id + 1) << (16 * j);
                }
                keys[p++] = key;
            }
        }
        return keys;
    }

    private static int packedOrder(long key) {
        return (63 - Long.numberOfLeadingZeros(key)) / 16 + 1;
    }

    /** Compacts sorted keys to their distinct values in place; returns how many there are. */
    private static int runLength(long[] sorted) {
        int u = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                u++;
            }
        }
        return u;
    }

    /** Counts per distinct key of a sorted array, compacting the keys to its front. */
    private static int[] runCounts(long[] sorted, int unique) {
        int[] c = new int[unique];
        int u = -1;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[++u] = sorted[i];
            }
            c[u]++;
        }
        return c;
    }

    /** Merges two sorted (key, count) lists taking the maximum count; the merged keys go to {@code outKeys[0]}. */
    private static int[] mergeMax(long[] ka, int[] ca, long[] kb, int[] cb, long[][] outKeys) {
        long[] k = new long[ka.length + kb.length];
        int[] c = new int[ka.length + kb.length];
        int i = 0;
        int j = 0;
        int p = 0;
        while (i < ka.length || j < kb.length) {
            if (j == kb.length || (i < ka.length && ka[i] < kb[j])) {
                k[p] = ka[i];
                c[p++] = ca[i++];
            } else if (i == ka.length || kb[j] < ka[i]) {
                k[p] = kb[j];
                c[p++] = cb[j++];
            } else {
                k[p] = ka[i];
                c[p++] = Math.max(ca[i++], cb[j++]);
            }
        }
        outKeys[0] = Arrays.copyOf(k, p);
        return Arrays.copyOf(c, p);
    }

    /** The string key of the n-gram {@code ids[start, start + n)}. */
    private String key(int[] ids, int start, int n) {
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

    /** The order n of a string key made by {@link #key}. */
    private int order(String key) {
        return wide ? key.length() / 2 : key.length();
    }
}
