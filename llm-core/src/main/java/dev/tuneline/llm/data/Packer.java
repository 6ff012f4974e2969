package dev.tuneline.llm.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs short encoded rows into sequences of at most {@code maxSeqLength} tokens, so batches carry less padding.
 *
 * <p>Algorithm (deterministic, order-preserving "next fit"): walk the rows in order and append each to the current
 * pack while it fits, else start a new pack. Rows are never split. Each example keeps its labels, so no loss spans
 * two examples (every example starts with masked BOS/prompt tokens). Position ids restart per example; without a
 * block-diagonal mask built from {@link PackedSft#segmentIds()} later examples can attend to earlier ones, as in
 * TRL's packing.
 */
public final class Packer {

    private Packer() {
    }

    /** Packs {@code examples} (each at most {@code maxSeqLength} long) in order. */
    public static List<PackedSft> pack(List<EncodedSft> examples, int maxSeqLength) {
        if (maxSeqLength < 1) {
            throw new IllegalArgumentException("maxSeqLength must be positive, got " + maxSeqLength);
        }
        List<PackedSft> packs = new ArrayList<>();
        List<EncodedSft> current = new ArrayList<>();
        int currentLength = 0;
        for (EncodedSft e : examples) {
            if (e.length() > maxSeqLength) {
                throw new IllegalArgumentException("row " + e.row() + " has " + e.length()
                        + " tokens, more than maxSeqLength " + maxSeqLength + ": encode with the same limit");
            }
            if (currentLength + e.length() > maxSeqLength) {
                packs.add(concat(current, currentLength));
                current.clear();
                currentLength = 0;
            }
            current.add(e);
            currentLength += e.length();
        }
        if (!current.isEmpty()) {
            packs.add(concat(current, currentLength));
        }
        return List.copyOf(packs);
    }

    private static PackedSft concat(List<EncodedSft> parts, int length) {
        int[] rows = new int[parts.size()];
        int[] ids = new int[length];
        int[] labels = new int[length];
        int[] positions = new int[length];
        int[] segments = new int[length];
        int at = 0;
        for (int s = 0; s < parts.size(); s++) {
            EncodedSft e = parts.get(s);
            rows[s] = e.row();
            System.arraycopy(e.inputIds(), 0, ids, at, e.length());
            System.arraycopy(e.labels(), 0, labels, at, e.length());
            for (int i = 0; i < e.length(); i++) {
                positions[at + i] = i;
                segments[at + i] = s;
            }
            at += e.length();
        }
        return new PackedSft(rows, ids, labels, positions, segments);
    }
}
