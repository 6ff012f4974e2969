package dev.tuneline.llm.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Micro-batches of one epoch, addressable by (epoch, index) so that a resumed run sees exactly the batches an
 * uninterrupted run would (the checkpoint's data cursor is that pair). Implementations must be deterministic.
 *
 * @param <B> the batch type ({@link TokenBatch} or {@link PairBatch})
 */
public interface BatchSource<B> {

    /** Micro-batches per epoch. */
    int batchesPerEpoch();

    /** Micro-batch {@code index} of epoch {@code epoch} (0-based). */
    B batch(int epoch, int index);

    /** Fixed batches, the same order every epoch. */
    static <B> BatchSource<B> of(List<B> batches) {
        List<B> copy = List.copyOf(batches);
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return copy.size();
            }

            @Override
            public B batch(int epoch, int index) {
                return copy.get(index);
            }
        };
    }

    /**
     * Rows shuffled per epoch with {@code new Random(seed + epoch)} (no drop-last) and cut into batches of
     * {@code batchSize} by {@code collate} (which pads).
     */
    static <E, B> BatchSource<B> shuffled(List<E> rows, int batchSize, long seed, Function<List<E>, B> collate) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to batch");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        List<E> copy = List.copyOf(rows);
        int n = (copy.size() + batchSize - 1) / batchSize;
        return new BatchSource<>() {
            private int cachedEpoch = -1;
            private List<E> order;

            @Override
            public int batchesPerEpoch() {
                return n;
            }

            @Override
            public synchronized B batch(int epoch, int index) {
                if (index < 0 || index >= n) {
                    throw new IndexOutOfBoundsException("batch " + index + " of " + n);
                }
                if (epoch != cachedEpoch) {
                    List<E> o = new ArrayList<>(copy);
                    Collections.shuffle(o, new Random(seed + epoch));
                    order = o;
                    cachedEpoch = epoch;
                }
                return collate.apply(order.subList(index * batchSize, Math.min(copy.size(), (index + 1) * batchSize)));
            }
        };
    }
}
