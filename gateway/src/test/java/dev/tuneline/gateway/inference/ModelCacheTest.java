package dev.tuneline.gateway.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model cache's bounds: count and bytes, least recently used out, too-large models refused and closed. */
class ModelCacheTest {

    /** A stand-in model of a given size that records its closing. */
    static final class Fake implements AutoCloseable {
        final String id;
        final long bytes;
        boolean closed;

        Fake(String id, long bytes) {
            this.id = id;
            this.bytes = bytes;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static ModelInfo info(String id) {
        return new ModelInfo(id, ModelKind.CAUSAL_LM, Path.of("models", id), Path.of("models", id), null);
    }

    private final Map<String, Long> sizes = Map.of("a", 40L, "b", 40L, "c", 40L, "big", 150L, "small", 10L);
    private final List<Fake> made = new ArrayList<>();

    private ModelCache<Fake> cache(int capacity, long maxBytes) {
        return new ModelCache<>(capacity, maxBytes, null, (info, root) -> {
            Fake f = new Fake(info.id(), sizes.get(info.id()));
            made.add(f);
            return f;
        }, f -> f.bytes);
    }

    @Test
    void bytesBoundEvictsTheLeastRecentlyUsedUntilTheNewModelFits() {
        ModelCache<Fake> c = cache(10, 100);
        Fake a = c.get(info("a"));
        Fake b = c.get(info("b"));
        assertSame(a, c.get(info("a")));             // a is now the most recently used
        Fake third = c.get(info("c"));               // 120 > 100: b goes
        assertTrue(b.closed);
        assertTrue(!a.closed && !third.closed);
        assertEquals(80, c.bytes());
        assertEquals(2, c.size());
        c.get(info("small"));                        // 90 fits: nothing goes
        assertEquals(3, c.size());
        assertEquals(4, c.loads());
    }

    @Test
    void aModelLargerThanTheWholeBudgetIsRefusedAndClosed() {
        ModelCache<Fake> c = cache(10, 100);
        Fake a = c.get(info("a"));
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> c.get(info("big")));
        assertTrue(e.getMessage().contains("model-cache-bytes"), e.getMessage());
        assertTrue(made.get(made.size() - 1).closed, "the refused model's memory is freed");
        assertTrue(!a.closed, "models that fit stay");
        assertEquals(40, c.bytes());
    }

    @Test
    void countBoundAndReloadWhenTheModelChanged() {
        ModelCache<Fake> c = cache(1, 1000);
        Fake a = c.get(info("a"));
        Fake b = c.get(info("b"));
        assertTrue(a.closed);
        ModelInfo moved = new ModelInfo("b", ModelKind.CAUSAL_LM, Path.of("elsewhere"), Path.of("elsewhere"), null);
        Fake again = c.get(moved);
        assertTrue(b.closed, "a re-imported model is loaded again");
        assertTrue(again != b);
        assertEquals(40, c.bytes());
        c.close();
        assertTrue(again.closed);
        assertEquals(0, c.bytes());
    }
}
