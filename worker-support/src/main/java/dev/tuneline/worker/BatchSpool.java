package dev.tuneline.worker;

import dev.tuneline.events.BatchChecksum;
import dev.tuneline.events.BatchMessage;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.events.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A job's batches on disk (one JSON file per sequence number, plus the end marker), so a worker can acknowledge
 * each Kafka record at once, survive a restart, and check that it holds every batch before it trains.
 * Re-delivered batches overwrite themselves (idempotent).
 */
public final class BatchSpool {
    private static final String END = "end.json";
    private final Path dir;

    /** A spool in {@code dir} (created on first write). */
    public BatchSpool(Path dir) {
        this.dir = dir;
    }

    /** The spool directory. */
    public Path dir() {
        return dir;
    }

    /** Stores a batch or the end marker (atomically: write to a temp file, then rename). */
    public void put(BatchMessage message) {
        String name = message instanceof BatchesEnd ? END : String.format("%08d.json", sequence(message));
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "part-", ".tmp");
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(message));
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool batch to " + dir, e);
        }
    }

    /** The end marker, once received. */
    public Optional<BatchesEnd> end() {
        Path f = dir.resolve(END);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of((BatchesEnd) Json.MAPPER.readValue(f.toFile(), BatchMessage.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /**
     * Every batch in sequence order, after checking the count against the end marker, that sequence numbers run
     * 0..n-1 without gaps, and that the checksum matches; throws {@link IllegalStateException} saying what is wrong.
     */
    public <T extends BatchMessage> List<T> verifiedBatches(Class<T> type) {
        BatchesEnd end = end().orElseThrow(() -> new IllegalStateException("no end marker in " + dir));
        List<T> out = new ArrayList<>();
        BatchChecksum sum = new BatchChecksum();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> batchFiles = files.filter(p -> p.getFileName().toString().matches("\\d{8}\\.json")).sorted().toList();
            for (Path f : batchFiles) {
                BatchMessage m = Json.MAPPER.readValue(f.toFile(), BatchMessage.class);
                if (!type.isInstance(m)) {
                    throw new IllegalStateException(f + " holds a " + m.getClass().getSimpleName() + ", expected "
                            + type.getSimpleName());
                }
                if (sequence(m) != out.size()) {
                    throw new IllegalStateException("batch " + out.size() + " of job " + end.jobId() + " is missing");
                }
                sum.update(m);
                out.add(type.cast(m));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool " + dir, e);
        }
        if (out.size() != end.payload().batchCount()) {
            throw new IllegalStateException("job " + end.jobId() + ": received " + out.size() + " batches, the end marker "
                    + "announces " + end.payload().batchCount());
        }
        String hex = sum.hex();
        if (!hex.equals(end.payload().checksum())) {
            throw new IllegalStateException("job " + end.jobId() + ": batch checksum " + hex + " does not match the end "
                    + "marker's " + end.payload().checksum());
        }
        return out;
    }

    private static int sequence(BatchMessage m) {
        if (m instanceof dev.tuneline.events.SftBatch b) {
            return b.payload().sequence();
        }
        if (m instanceof dev.tuneline.events.PreferenceBatch b) {
            return b.payload().sequence();
        }
        throw new IllegalArgumentException("no sequence in " + m.getClass().getSimpleName());
    }
}
