package dev.tuneline.dataset.messaging;

import dev.tuneline.events.Topics;
import dev.tuneline.events.TunelineEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** Sends events keyed by job id and waits for the broker's acknowledgement (so a job's batches stay ordered). */
@ApplicationScoped
public class EventPublisher {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    @Channel(Topics.SFT_BATCHES)
    MutinyEmitter<TunelineEvent> sftBatches;
    @Inject
    @Channel(Topics.REWARD_BATCHES)
    MutinyEmitter<TunelineEvent> rewardBatches;
    @Inject
    @Channel(Topics.EVAL_SETS)
    MutinyEmitter<TunelineEvent> evalSets;
    @Inject
    @Channel(Topics.JOB_PROGRESS)
    MutinyEmitter<TunelineEvent> progress;
    @Inject
    @Channel(Topics.JOB_FAILED)
    MutinyEmitter<TunelineEvent> failed;

    /** Sends to a topic this service produces. */
    public void send(String topic, TunelineEvent event) {
        MutinyEmitter<TunelineEvent> emitter = switch (topic) {
            case Topics.SFT_BATCHES -> sftBatches;
            case Topics.REWARD_BATCHES -> rewardBatches;
            case Topics.EVAL_SETS -> evalSets;
            case Topics.JOB_PROGRESS -> progress;
            case Topics.JOB_FAILED -> failed;
            default -> throw new IllegalArgumentException("dataset-service does not produce to " + topic);
        };
        emitter.sendMessage(Message.of(event, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.jobId().toString()).build()))).await().atMost(ACK_TIMEOUT);
    }
}
