package dev.tuneline.dataset.messaging;

import dev.tuneline.dataset.service.JobPreparation;
import dev.tuneline.events.JobRequested;
import dev.tuneline.events.Topics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Prepares the data of each requested job; an unreadable record goes to the dead-letter topic. */
@ApplicationScoped
public class JobRequestedConsumer {
    @Inject
    JobPreparation preparation;

    /** Handles one job-requested event. */
    @Incoming(Topics.JOB_REQUESTED)
    @Blocking
    public void onJobRequested(JobRequested event) {
        if (event == null || event.payload() == null) {
            throw new IllegalArgumentException("job-requested record without a readable payload");
        }
        preparation.prepare(event);
    }
}
