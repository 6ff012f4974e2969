package dev.tuneline.gateway.security;

import dev.tuneline.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The accepted API keys, kept only as SHA-256 digests. Keys come from {@code TUNELINE_API_KEYS} (comma-separated);
 * an entry {@code sha256:<64 hex>} is a digest already. A presented key is hashed and compared with every digest in
 * constant time.
 */
@ApplicationScoped
public class ApiKeys {
    /** The development key accepted when {@code TUNELINE_API_KEYS} is not set. */
    public static final String DEV_KEY = "tuneline-dev-key";
    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    private static final HexFormat HEX = HexFormat.of();

    private final List<byte[]> digests;

    /** Parses the configured keys; refuses to start without any. */
    @Inject
    public ApiKeys(GatewayConfig config) {
        this(config.auth().apiKeys());
    }

    /** Keys from a comma-separated list (plain keys or {@code sha256:} digests). */
    public ApiKeys(String spec) {
        List<byte[]> out = new ArrayList<>();
        for (String raw : spec == null ? new String[0] : spec.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith("sha256:")) {
                String hex = entry.substring("sha256:".length());
                if (!hex.matches("[0-9a-fA-F]{64}")) {
                    throw new IllegalArgumentException("TUNELINE_API_KEYS: entry " + (out.size() + 1)
                            + " starts with sha256: but is not 64 hex digits");
                }
                out.add(HEX.parseHex(hex.toLowerCase()));
            } else {
                if (entry.equals(DEV_KEY)) {
                    LOG.warn("the development API key is enabled: set TUNELINE_API_KEYS for any shared deployment");
                }
                out.add(sha256(entry));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("TUNELINE_API_KEYS holds no key: give at least one (comma-separated)");
        }
        digests = List.copyOf(out);
    }

    /** A short stable id of the key (first 12 hex digits of its digest) when it is accepted. */
    public Optional<String> identify(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 512) {
            return Optional.empty();
        }
        byte[] d = sha256(presented);
        boolean found = false;
        for (byte[] known : digests) {
            found |= MessageDigest.isEqual(known, d);   // no early exit: same work for every key
        }
        return found ? Optional.of(HEX.formatHex(d, 0, 6)) : Optional.empty();
    }

    /** Number of accepted keys. */
    public int size() {
        return digests.size();
    }

    /** SHA-256 of a key's UTF-8 bytes. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
