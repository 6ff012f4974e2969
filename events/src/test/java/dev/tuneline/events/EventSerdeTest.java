package dev.tuneline.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tuneline.events.serde.BatchMessageDeserializer;
import dev.tuneline.events.serde.EventSerializer;
import dev.tuneline.events.serde.JobRequestedDeserializer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EventSerdeTest {
    private final EventSerializer ser = new EventSerializer();

    @Test
    void jobRequestedRoundTrips() {
        UUID job = UUID.randomUUID();
        JobRequested ev = JobRequested.of(job, new JobRequested.Payload("sft", "code_alpaca_2k", "tiny",
                JobConfig.defaults()));
        JobRequested back = new JobRequestedDeserializer().deserialize(Topics.JOB_REQUESTED, ser.serialize("t", ev));
        assertEquals(ev, back);
        assertEquals(30, back.payload().config().maxStepsOr());
    }

    @Test
    void batchTopicCarriesBatchesAndEndMarker() {
        UUID job = UUID.randomUUID();
        SftBatch b = SftBatch.of(job, new SftBatch.Payload(3, new int[][] {{1, 2}}, new int[][] {{-100, 2}},
                new int[][] {{1, 1}}));
        BatchMessage back = new BatchMessageDeserializer().deserialize("t", ser.serialize("t", b));
        SftBatch sb = assertInstanceOf(SftBatch.class, back);
        assertEquals(3, sb.payload().sequence());
        assertArrayEquals(new int[] {-100, 2}, sb.payload().labels()[0]);

        BatchesEnd end = BatchesEnd.of(job, new BatchesEnd.Payload(4, 30, "abc", "/tok", "tiny",
                JobConfig.defaults(), List.of("row 7: response truncated away"), Map.of("eos", 50256)));
        assertInstanceOf(BatchesEnd.class, new BatchMessageDeserializer().deserialize("t", ser.serialize("t", end)));
    }

    @Test
    void unknownSchemaVersionAndGarbageAreRejected() {
        String future = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"jobId\":\"" + UUID.randomUUID()
                + "\",\"schemaVersion\":99,\"occurredAt\":\"2026-01-01T00:00:00Z\",\"payload\":null}";
        assertThrows(SerializationException.class, () -> new JobRequestedDeserializer()
                .deserialize("t", future.getBytes(StandardCharsets.UTF_8)));
        assertThrows(SerializationException.class, () -> new JobRequestedDeserializer()
                .deserialize("t", "{not json".getBytes(StandardCharsets.UTF_8)));
    }
}
