package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * Past keys and values of every attention layer, {@code (B, heads, T_past, head_dim)} each, for
 * incremental decoding (inference only). The cached arrays live in the cache's own sub-manager;
 * closing the cache frees them.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;

    /** An empty cache for {@code numLayers} layers whose arrays are owned by a sub-manager of {@code parent}. */
    public KvCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
    }

    /** Number of cached positions (0 when empty). */
    public int length() {
        return keys[0] == null ? 0 : (int) keys[0].getShape().get(2);
    }

    /** Number of cached rows, or -1 when empty. */
    public int batchSize() {
        return keys[0] == null ? -1 : (int) keys[0].getShape().get(0);
    }

    /**
     * Appends this step's keys and values of {@code layer} and returns the full ones.
     *
     * @param k {@code (B, heads, T_new, head_dim)}
     * @param v {@code (B, heads, T_new, head_dim)}
     * @return {@code [K, V]}, each {@code (B, heads, T_past + T_new, head_dim)}
     */
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray fullK = keys[layer] == null ? k : NDArrays.concat(new NDList(keys[layer], k), 2);
        NDArray fullV = values[layer] == null ? v : NDArrays.concat(new NDList(values[layer], v), 2);
        replace(layer, fullK, fullV);
        return new NDArray[] {fullK, fullV};
    }

    private void replace(int layer, NDArray k, NDArray v) {
        NDArray oldK = keys[layer];
        NDArray oldV = values[layer];
        k.attach(manager);
        v.attach(manager);
        keys[layer] = k;
        values[layer] = v;
        if (oldK != null && oldK != k) {
            oldK.close();
        }
        if (oldV != null && oldV != v) {
            oldV.close();
        }
    }

    /**
     * Keeps only (and reorders to) the given rows, e.g. surviving beams or unfinished requests;
     * an index may repeat.
     */
    public void selectRows(long[] rows) {
        if (keys[0] == null) {
            return;
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray index = tmp.create(rows);
            for (int l = 0; l < keys.length; l++) {
                replace(l, take(keys[l], index), take(values[l], index));
            }
        }
    }

    /** Rows of {@code x (B, ...)} at {@code index (N)}, as {@code (N, ...)} (an index-select on axis 0). */
    private static NDArray take(NDArray x, NDArray index) {
        Shape s = x.getShape();
        NDArray flat = x.reshape(s.get(0), -1);
        NDArray picked = Embedding.embedding(index, flat, SparseFormat.DENSE).singletonOrThrow();
        flat.close();
        return picked.reshape(new Shape(index.getShape().get(0)).addAll(s.slice(1)));
    }

    @Override
    public void close() {
        manager.close();
    }
}
