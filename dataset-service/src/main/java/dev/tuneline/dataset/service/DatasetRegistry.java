package dev.tuneline.dataset.service;

import dev.tuneline.dataset.config.DatasetServiceConfig;
import dev.tuneline.dataset.repository.DatasetEntity;
import dev.tuneline.llm.data.DatasetLoader;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/** The dataset registry: bundled datasets at start-up, validated registrations and uploads. */
@ApplicationScoped
public class DatasetRegistry {
    private static final Logger LOG = Logger.getLogger(DatasetRegistry.class);
    /** Dataset names: letters, digits, '.', '_' and '-'. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    /** A bundled dataset shipped under the data root. */
    record Bundled(String name, String kind, String path, String license, String source) {
    }

    static final List<Bundled> BUNDLED = List.of(
            new Bundled("code_alpaca_2k", "instruction", "sft/code_alpaca_2k.json", "CC BY-NC 4.0",
                    "sahil280114/codealpaca@0d26511:data/code_alpaca_2k.json"),
            new Bundled("codealpaca_new_3500", "instruction", "sft/codealpaca_new_3500.json", "CC BY-NC 4.0",
                    "sahil280114/codealpaca@56da018:data/new_codealpaca.json (first 3,500 rows)"),
            new Bundled("hh_helpful_pairs", "preference", "preference/hh_helpful_pairs.jsonl", "MIT",
                    "anthropics/hh-rlhf helpful-base/test.jsonl.gz"));

    @Inject
    DatasetServiceConfig config;

    /** Registers the bundled datasets that exist under the data root and are not registered yet. */
    @Transactional
    void onStart(@Observes StartupEvent ev) {
        for (Bundled b : BUNDLED) {
            Path file = config.dataRoot().resolve(b.path());
            if (DatasetEntity.findById(b.name()) == null && Files.isRegularFile(file)) {
                try {
                    register(b.name(), b.kind(), file, b.license(), b.source());
                } catch (IOException | RuntimeException e) {
                    LOG.errorf("bundled dataset %s not registered: %s", b.name(), e.getMessage());
                }
            }
        }
    }

    /** All datasets, by name. */
    @Transactional
    public List<DatasetEntity> list() {
        return DatasetEntity.listAll(io.quarkus.panache.common.Sort.ascending("name"));
    }

    /** One dataset. */
    @Transactional
    public Optional<DatasetEntity> find(String name) {
        return DatasetEntity.findByIdOptional(name);
    }

    /**
     * Validates a file (every row, every field) and registers it; throws
     * {@link dev.tuneline.llm.data.DatasetValidationException} naming the rows at fault, registering nothing.
     */
    @Transactional
    public DatasetEntity register(String name, String kind, Path file, String license, String source) throws IOException {
        checkName(name);
        if (DatasetEntity.findById(name) != null) {
            throw new IllegalStateException("dataset '" + name + "' is already registered");
        }
        int rows = countValidRows(kind, file);
        DatasetEntity e = new DatasetEntity();
        e.name = name;
        e.kind = kind;
        e.path = file.toAbsolutePath().normalize().toString();
        e.rows = rows;
        e.checksum = sha256(file);
        e.license = license;
        e.source = source;
        e.createdAt = Instant.now();
        e.persist();
        LOG.infof("dataset %s registered: %s, %d rows", name, kind, rows);
        return e;
    }

    /**
     * Stores an upload under the upload root (refusing more than the size limit), validates it and registers it;
     * on any failure the stored file is removed and nothing is registered.
     */
    @Transactional
    public DatasetEntity upload(String name, String kind, String format, InputStream body, String license, String source)
            throws IOException {
        checkName(name);
        if (DatasetEntity.findById(name) != null) {
            throw new IllegalStateException("dataset '" + name + "' is already registered");
        }
        String ext = "jsonl".equals(format) ? ".jsonl" : ".json";
        Path dir = config.modelRoot().resolve("../datasets").normalize();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, name, ".part");
        try {
            long size = copyLimited(body, tmp, config.uploadMaxBytes());
            if (size == 0) {
                throw new IllegalArgumentException("upload of '" + name + "' is empty");
            }
            Path target = dir.resolve(name + ext);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            try {
                return register(name, kind, target, license, source == null ? "upload" : source);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(target);
                throw e;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("dataset name '" + name
                    + "' is not valid: 1-200 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    private static int countValidRows(String kind, Path file) throws IOException {
        DatasetLoader loader = new DatasetLoader();
        return switch (kind) {
            case "instruction" -> loader.loadInstructions(file).size();
            case "preference" -> loader.loadPreferences(file).size();
            default -> throw new IllegalArgumentException("kind must be 'instruction' or 'preference', not '" + kind + "'");
        };
    }

    private static long copyLimited(InputStream in, Path out, long max) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (var os = Files.newOutputStream(out)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > max) {
                    throw new UploadTooLargeException("upload exceeds the limit of " + max + " bytes");
                }
                os.write(buf, 0, n);
            }
        }
        return total;
    }

    /** Hex SHA-256 of a file. */
    static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An upload over the size limit (413). */
    public static class UploadTooLargeException extends RuntimeException {
        /** With the message shown to the client. */
        public UploadTooLargeException(String message) {
            super(message);
        }
    }
}
