package dev.tuneline.testsupport;

import dev.tuneline.events.TunelineEvent;
import dev.tuneline.events.serde.EventSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test helper on the shared broker: send events keyed by job, read a job's events until a condition holds. */
public final class KafkaTestClient {
    private KafkaTestClient() {
    }

    /** Sends events (keyed by their job id) and waits for the broker's acknowledgement. */
    public static void send(String topic, TunelineEvent... events) {
        try (KafkaProducer<String, Object> p = new KafkaProducer<>(Map.of("bootstrap.servers",
                KafkaResource.bootstrapServers()), new StringSerializer(), new EventSerializer())) {
            for (TunelineEvent ev : events) {
                p.send(new ProducerRecord<>(topic, ev.jobId().toString(), ev)).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    /** Reads {@code topic} from the start, keeping {@code job}'s records, until one satisfies {@code last}. */
    public static <T> List<T> readUntil(String topic, Deserializer<T> d, UUID job, Predicate<T> last, Duration timeout) {
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, T> c = new KafkaConsumer<>(Map.of("bootstrap.servers", KafkaResource.bootstrapServers(),
                "group.id", "test-" + UUID.randomUUID(), "auto.offset.reset", "earliest"), new StringDeserializer(), d)) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, T> r : c.poll(Duration.ofMillis(500))) {
                    if (job.toString().equals(r.key())) {
                        out.add(r.value());
                        if (last.test(r.value())) {
                            return out;
                        }
                    }
                }
            }
        }
        throw new AssertionError("timed out after " + timeout + " reading " + topic + " for job " + job + " (got "
                + out.size() + " records)");
    }
}
