package dev.tuneline.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Token buckets and key digests, on a fake clock (plain JUnit, no Quarkus). */
class RateLimiterTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void burstThenSustainedRateWithRetryAfterInWholeSeconds() {
        RateLimiter limiter = new RateLimiter(2, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, limiter.acquire("k", 0), "burst request " + i);
        }
        assertEquals(1, limiter.acquire("k", 0), "empty bucket: one token comes back within 1 s at 2/s");
        assertEquals(0, limiter.acquire("other", 0), "keys have their own buckets");
        assertEquals(0, limiter.acquire("k", SECOND / 2), "0.5 s refills one token at 2/s");
        assertEquals(1, limiter.acquire("k", SECOND / 2));
        assertEquals(0, limiter.acquire("k", 10 * SECOND));
        RateLimiter slow = new RateLimiter(0.1, 1);
        assertEquals(0, slow.acquire("k", 0));
        assertEquals(10, slow.acquire("k", 0), "one token every 10 s");
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 1));
    }

    @Test
    void keysAreKeptAsDigestsAndComparedByDigest() {
        ApiKeys keys = new ApiKeys(" alpha , sha256:" + java.util.HexFormat.of().formatHex(ApiKeys.sha256("beta")) + ",");
        assertEquals(2, keys.size());
        assertTrue(keys.identify("alpha").isPresent());
        assertTrue(keys.identify("beta").isPresent());
        assertFalse(keys.identify("gamma").isPresent());
        assertFalse(keys.identify("").isPresent());
        assertEquals(keys.identify("alpha"), keys.identify("alpha"));
        assertThrows(IllegalArgumentException.class, () -> new ApiKeys(" , "));
        assertThrows(IllegalArgumentException.class, () -> new ApiKeys("sha256:abc"));
    }
}
