package dev.tuneline.gateway.messaging;

import dev.tuneline.events.Topics;
import dev.tuneline.gateway.repository.OutboxMessage;
import dev.tuneline.gateway.repository.OutboxRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Transactional outbox relay: sends committed outbox rows to Kafka in order, marking each sent only after the
 * broker acknowledged it. A crash between commit and send loses nothing (the row is sent on the next run);
 * consumers de-duplicate by event id.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    OutboxRepository outbox;

    @Inject
    @Channel(Topics.JOB_REQUESTED)
    MutinyEmitter<String> jobRequested;

    @Inject
    @Channel(Topics.JOB_CANCELLED)
    MutinyEmitter<String> jobCancelled;

    private MutinyEmitter<String> emitter(String topic) {
        return switch (topic) {
            case Topics.JOB_REQUESTED -> jobRequested;
            case Topics.JOB_CANCELLED -> jobCancelled;
            default -> null;
        };
    }

    /** Relays up to 100 pending messages. */
    // delayed: the first run must not race the wiring of the outgoing channels at start-up
    @Scheduled(every = "${tuneline.outbox.interval:0.5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    public void relay() {
        for (OutboxMessage m : outbox.unsent(100)) {
            MutinyEmitter<String> emitter = emitter(m.topic);
            if (emitter == null) {
                LOG.errorf("outbox row %d names unknown topic %s", m.id, m.topic);
                continue;
            }
            m.attempts++;
            try {
                emitter.sendMessage(Message.of(m.payload,
                        Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(m.key).build())))
                        .await().atMost(Duration.ofSeconds(10));
                m.sentAt = Instant.now();
            } catch (RuntimeException e) {
                LOG.warnf("outbox row %d not sent yet (attempt %d): %s", m.id, m.attempts, e.getMessage());
                return; // keep order: retry from this row next time
            }
        }
    }
}
