package dev.tuneline.gateway.security;

import dev.tuneline.events.Json;
import dev.tuneline.gateway.config.GatewayConfig;
import dev.tuneline.gateway.rest.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Runs before every route (REST resources, OpenAPI, Swagger UI): checks the API key ({@code Authorization: Bearer}
 * or {@code X-API-Key}) except on the public paths (health, metrics), applies the per-key rate limit and the request
 * body size limit. Rejections are {@code application/problem+json}: 401, 429 with {@code Retry-After}, 413.
 */
@ApplicationScoped
public class AuthFilter {
    /** Request attribute holding the caller's key id. */
    public static final String KEY_ID = "tuneline.key-id";

    @Inject
    ApiKeys keys;
    @Inject
    GatewayConfig config;
    @Inject
    MeterRegistry meters;

    private RateLimiter limiter;
    private List<String> publicPaths;

    void register(@Observes Filters filters) {
        limiter = new RateLimiter(config.auth().requestsPerSecond(), config.auth().burst());
        publicPaths = config.auth().publicPaths().stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
        filters.register(this::handle, 100);
    }

    private void handle(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (isPublic(path)) {
            rc.next();
            return;
        }
        String presented = presentedKey(rc);
        if (presented == null) {
            reject(rc, 401, "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", "missing_key");
            return;
        }
        String keyId = keys.identify(presented).orElse(null);
        if (keyId == null) {
            reject(rc, 401, "invalid API key", "invalid_key");
            return;
        }
        long wait = limiter.acquire(keyId, System.nanoTime());
        if (wait > 0) {
            rc.response().putHeader("Retry-After", Long.toString(wait));
            reject(rc, 429, "rate limit exceeded for this API key (" + config.auth().requestsPerSecond()
                    + " requests/s, burst " + config.auth().burst() + "); retry after " + wait + " s", "rate_limited");
            return;
        }
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && !path.startsWith("/v1/datasets")) {
            long max = config.auth().maxBodyBytes();
            try {
                if (Long.parseLong(length.trim()) > max) {
                    reject(rc, 413, "request body is " + length.trim() + " bytes, over the limit of " + max
                            + " bytes", "body_too_large");
                    return;
                }
            } catch (NumberFormatException e) {
                reject(rc, 400, "Content-Length is not a number", "bad_length");
                return;
            }
        }
        rc.put(KEY_ID, keyId);
        rc.next();
    }

    private boolean isPublic(String path) {
        for (String p : publicPaths) {
            if (path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/")) {
                return true;
            }
        }
        return false;
    }

    private static String presentedKey(RoutingContext rc) {
        String auth = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String header = rc.request().getHeader("X-API-Key");
        return header == null ? null : header.trim();
    }

    private void reject(RoutingContext rc, int status, String detail, String reason) {
        meters.counter("tuneline.requests.rejected", "reason", reason).increment();
        if (status == 401) {
            rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"tuneline\"");
        }
        String title = switch (status) {
            case 401 -> "Unauthorized";
            case 413 -> "Request Entity Too Large";
            case 429 -> "Too Many Requests";
            default -> "Bad Request";
        };
        String body;
        try {
            body = Json.MAPPER.writeValueAsString(new Problem("about:blank", title, status, detail, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(body);
    }
}
