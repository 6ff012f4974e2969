package dev.tuneline.gateway.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Fan-out of job events (fed from Kafka) to Server-Sent-Event subscribers. */
@ApplicationScoped
public class JobEventBus {
    /** One event for one job. */
    public record JobEvent(UUID jobId, String name, Object data, boolean last) {
    }

    private final BroadcastProcessor<JobEvent> processor = BroadcastProcessor.create();

    /** Publishes an event to current subscribers of the job. */
    public void publish(UUID jobId, String name, Object data) {
        processor.onNext(new JobEvent(jobId, name, data, false));
    }

    /** Signals that the job will send no more events. */
    public void complete(UUID jobId) {
        processor.onNext(new JobEvent(jobId, "end", null, true));
    }

    /** Events of one job until its end. */
    public Multi<JobEvent> stream(UUID jobId) {
        return processor.filter(e -> e.jobId().equals(jobId)).select().first(e -> e.last());
    }
}
