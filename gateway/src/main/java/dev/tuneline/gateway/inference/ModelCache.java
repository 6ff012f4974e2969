package dev.tuneline.gateway.inference;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;

/**
 * Loaded models, least recently used first out: at most {@code capacity} models and {@code maxBytes} of weights are
 * kept, evicted ones are closed. A model is measured once loaded (so a load may briefly exceed the bound); one that
 * alone exceeds {@code maxBytes} is refused with a message naming the setting. Models load lazily, on first use. Not
 * thread-safe: owned by the inference worker thread.
 *
 * @param <M> the loaded model type
 */
public final class ModelCache<M extends AutoCloseable> implements AutoCloseable {
    private final int capacity;
    private final long maxBytes;
    private final NDManager root;
    private final BiFunction<ModelInfo, NDManager, M> loader;
    private final ToLongFunction<M> bytesOf;
    private final LinkedHashMap<String, Entry<M>> models = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long loads;

    private record Entry<M>(ModelInfo info, M model, long bytes) {
    }

    /**
     * A cache of at most {@code capacity} models and {@code maxBytes} bytes of weights (as {@code bytesOf} measures
     * them) whose arrays live under {@code root}.
     */
    public ModelCache(int capacity, long maxBytes, NDManager root, BiFunction<ModelInfo, NDManager, M> loader,
            ToLongFunction<M> bytesOf) {
        if (capacity < 1) {
            throw new IllegalArgumentException("model cache size must be >= 1, got " + capacity);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("model cache bytes must be >= 1, got " + maxBytes);
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.root = root;
        this.loader = loader;
        this.bytesOf = bytesOf;
    }

    /** The loaded model, loading it (and evicting least recently used ones until it fits) when needed. */
    public M get(ModelInfo info) {
        Entry<M> e = models.get(info.id());
        if (e != null && e.info().equals(info)) {
            return e.model();
        }
        if (e != null) {
            evict(models.remove(info.id()));
        }
        while (models.size() >= capacity) {
            evictEldest();
        }
        M loaded = loader.apply(info, root);
        loads++;
        long size = bytesOf.applyAsLong(loaded);
        if (size > maxBytes) {
            close(loaded);
            throw new ModelUnavailableException("model '" + info.id() + "' holds " + size + " bytes of weights, more "
                    + "than tuneline.gateway.inference.model-cache-bytes (" + maxBytes + ")");
        }
        while (bytes + size > maxBytes && !models.isEmpty()) {
            evictEldest();
        }
        models.put(info.id(), new Entry<>(info, loaded, size));
        bytes += size;
        return loaded;
    }

    /** Closes and drops the least recently used model. */
    private void evictEldest() {
        Iterator<Entry<M>> eldest = models.values().iterator();
        Entry<M> out = eldest.next();
        eldest.remove();
        evict(out);
    }

    private void evict(Entry<M> out) {
        bytes -= out.bytes();
        close(out.model());
    }

    private static void close(AutoCloseable m) {
        try {
            m.close();
        } catch (Exception ex) {
            throw new IllegalStateException("closing a model failed", ex);
        }
    }

    /** Number of models in memory. */
    public int size() {
        return models.size();
    }

    /** Bytes of weights in memory. */
    public long bytes() {
        return bytes;
    }

    /** How many loads happened (misses). */
    public long loads() {
        return loads;
    }

    /** Closes every model. */
    @Override
    public void close() {
        models.values().forEach(e -> close(e.model()));
        models.clear();
        bytes = 0;
    }
}
