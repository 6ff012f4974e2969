package dev.tuneline.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Gateway settings under {@code tuneline.gateway.*}: API keys and limits, inference queue and caps. */
@ConfigMapping(prefix = "tuneline.gateway")
public interface GatewayConfig {

    /** API keys, rate limit and request size. */
    Auth auth();

    /** Generation and scoring: batching, queue, timeouts, caps. */
    Inference inference();

    /** Authentication settings. */
    interface Auth {
        /**
         * Comma-separated API keys (from {@code TUNELINE_API_KEYS}); an entry {@code sha256:<64 hex>} is taken as
         * the SHA-256 of a key, so plain keys need not be deployed. Only digests are kept in memory.
         */
        String apiKeys();

        /** Path prefixes served without a key. */
        @WithDefault("/q/health,/q/metrics")
        List<String> publicPaths();

        /** Sustained requests per second allowed per key. */
        @WithDefault("20")
        double requestsPerSecond();

        /** Burst size of the per-key token bucket. */
        @WithDefault("40")
        int burst();

        /** Largest request body in bytes on every path but dataset uploads (those use quarkus.http.limits). */
        @WithDefault("1048576")
        long maxBodyBytes();
    }

    /** Inference settings. */
    interface Inference {
        /** Cap on new tokens per request (max_tokens, maxNewTokens). */
        @WithDefault("256")
        int maxNewTokens();

        /** Most rows decoded together in one batch. */
        @WithDefault("8")
        int maxBatchSize();

        /** Most prompts in one request (and pairs in one score request). */
        @WithDefault("16")
        int maxPromptsPerRequest();

        /** Pending rows the queue holds before answering 429. */
        @WithDefault("64")
        int queueCapacity();

        /** How long the worker waits for more requests to join a batch that is not full. */
        @WithDefault("2ms")
        Duration batchLinger();

        /** Default and largest per-request timeout (queue wait plus compute). */
        @WithDefault("60s")
        Duration timeout();

        /** Loaded models kept in memory (least recently used ones are closed). */
        @WithDefault("2")
        int modelCacheSize();

        /** Bytes of weights kept in memory at most (e.g. 8G; a model larger than this alone is refused with 503). */
        @WithDefault("8G")
        io.quarkus.runtime.configuration.MemorySize modelCacheBytes();

        /** Most alternatives returned per position (OpenAI top_logprobs / logprobs). */
        @WithDefault("20")
        int maxTopLogprobs();
    }
}
