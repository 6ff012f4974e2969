package dev.tuneline.worker;

import dev.tuneline.events.JobCancelled;
import dev.tuneline.events.Topics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Cancellations from the gateway (one replica per worker service hears each; the lease table tells the owner). */
@ApplicationScoped
public class JobCancelledConsumer {
    @Inject
    TrainingService training;

    /** A user cancelled a job; unreadable records go to the dead-letter topic. */
    @Incoming(Topics.JOB_CANCELLED)
    @Blocking
    public void cancelled(JobCancelled event) {
        if (event == null || event.payload() == null) {
            throw new IllegalArgumentException("job-cancelled record without a readable payload");
        }
        training.onCancel(event.jobId(), event.payload().reason());
    }
}
