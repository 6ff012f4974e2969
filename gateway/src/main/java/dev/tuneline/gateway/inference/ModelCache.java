package dev.tuneline.gateway.inference;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Loaded models, least recently used first out: at most {@code capacity} are kept, the evicted one is closed.
 * Models load lazily, on first use. Not thread-safe: owned by the inference worker thread.
 */
public final class ModelCache implements AutoCloseable {
    private final int capacity;
    private final NDManager root;
    private final BiFunction<ModelInfo, NDManager, LoadedModel> loader;
    private final LinkedHashMap<String, LoadedModel> models = new LinkedHashMap<>(16, 0.75f, true);
    private long loads;

    /** A cache of at most {@code capacity} models whose arrays live under {@code root}. */
    public ModelCache(int capacity, NDManager root, BiFunction<ModelInfo, NDManager, LoadedModel> loader) {
        if (capacity < 1) {
            throw new IllegalArgumentException("model cache size must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.root = root;
        this.loader = loader;
    }

    /** The loaded model, loading it (and evicting the least recently used one) when needed. */
    public LoadedModel get(ModelInfo info) {
        LoadedModel m = models.get(info.id());
        if (m != null && m.info().equals(info)) {
            return m;
        }
        if (m != null) {
            models.remove(info.id()).close();
        }
        while (models.size() >= capacity) {
            Iterator<Map.Entry<String, LoadedModel>> eldest = models.entrySet().iterator();
            LoadedModel out = eldest.next().getValue();
            eldest.remove();
            out.close();
        }
        LoadedModel loaded = loader.apply(info, root);
        loads++;
        models.put(info.id(), loaded);
        return loaded;
    }

    /** Number of models in memory. */
    public int size() {
        return models.size();
    }

    /** How many loads happened (misses). */
    public long loads() {
        return loads;
    }

    /** Closes every model. */
    @Override
    public void close() {
        models.values().forEach(LoadedModel::close);
        models.clear();
    }
}
