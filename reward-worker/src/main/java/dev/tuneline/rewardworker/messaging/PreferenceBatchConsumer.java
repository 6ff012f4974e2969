package dev.tuneline.rewardworker.messaging;

import dev.tuneline.events.BatchMessage;
import dev.tuneline.events.Topics;
import dev.tuneline.worker.TrainingService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Receives a job's preference batches (keyed by job); unreadable records go to the DLQ. */
@ApplicationScoped
public class PreferenceBatchConsumer {
    @Inject
    TrainingService training;

    /** Spools one record; training starts off this thread when the end marker arrives. */
    @Incoming(Topics.REWARD_BATCHES)
    @Blocking
    public void onBatch(BatchMessage message) {
        if (message == null) {
            throw new IllegalArgumentException("reward-batches record without a readable payload");
        }
        training.onBatch(message);
    }
}
