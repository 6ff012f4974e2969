package dev.tuneline.gateway.security;

import java.util.concurrent.ConcurrentHashMap;

/** Per-key token buckets: {@code rate} requests per second sustained, bursts up to {@code burst}. */
public final class RateLimiter {
    private final double rate;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** A limiter allowing {@code rate} requests per second with bursts of {@code burst}. */
    public RateLimiter(double rate, int burst) {
        if (rate <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate limit needs rate > 0 and burst >= 1, got " + rate + ", " + burst);
        }
        this.rate = rate;
        this.burst = burst;
    }

    /** Takes one token for {@code key}: 0 when allowed, else the seconds to wait before the next try. */
    public long acquire(String key, long nowNanos) {
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, nowNanos)).take(nowNanos);
    }

    private final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized long take(long now) {
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / rate));
        }
    }
}
