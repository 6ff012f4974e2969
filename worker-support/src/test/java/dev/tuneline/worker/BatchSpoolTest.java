package dev.tuneline.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.events.BatchChecksum;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.events.JobConfig;
import dev.tuneline.events.SftBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchSpoolTest {
    @TempDir
    Path dir;

    private static SftBatch batch(UUID job, int seq, int token) {
        return SftBatch.of(job, new SftBatch.Payload(seq, new int[][] {{token, token + 1}}, new int[][] {{-100, token + 1}},
                new int[][] {{1, 1}}));
    }

    private static BatchesEnd end(UUID job, int count, String checksum) {
        return BatchesEnd.of(job, new BatchesEnd.Payload(count, count, checksum, "/tok", "tiny-gpt2",
                JobConfig.defaults(), List.of(), Map.of()));
    }

    @Test
    void completeSpoolVerifiesInOrderEvenWhenRedelivered() {
        UUID job = UUID.randomUUID();
        BatchSpool spool = new BatchSpool(dir);
        List<SftBatch> sent = List.of(batch(job, 0, 5), batch(job, 1, 7), batch(job, 2, 9));
        BatchChecksum sum = new BatchChecksum();
        sent.forEach(sum::update);
        spool.put(sent.get(2));
        spool.put(sent.get(0));
        spool.put(sent.get(1));
        spool.put(sent.get(1)); // re-delivery
        spool.put(end(job, 3, sum.hex()));
        List<SftBatch> got = spool.verifiedBatches(SftBatch.class);
        assertEquals(3, got.size());
        assertEquals(7, got.get(1).payload().inputIds()[0][0]);
    }

    @Test
    void missingBatchOrWrongChecksumIsRefused() {
        UUID job = UUID.randomUUID();
        BatchSpool spool = new BatchSpool(dir);
        BatchChecksum sum = new BatchChecksum();
        sum.update(batch(job, 0, 5)).update(batch(job, 1, 7));
        spool.put(batch(job, 0, 5));
        spool.put(end(job, 2, sum.hex()));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> spool.verifiedBatches(SftBatch.class));
        assertTrue(missing.getMessage().contains("received 1 batches"), missing.getMessage());

        spool.put(batch(job, 1, 8)); // corrupted content
        IllegalStateException bad = assertThrows(IllegalStateException.class, () -> spool.verifiedBatches(SftBatch.class));
        assertTrue(bad.getMessage().contains("checksum"), bad.getMessage());
    }
}
