package dev.tuneline.worker;

import dev.tuneline.events.JobFailed;
import dev.tuneline.events.JobProgress;
import dev.tuneline.events.ModelReady;
import dev.tuneline.events.Topics;
import dev.tuneline.events.TunelineEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** What a worker tells the others: progress, model-ready, failures (keyed by job, acknowledged by the broker). */
@ApplicationScoped
public class WorkerEvents {
    @Inject
    @Channel(Topics.JOB_PROGRESS)
    MutinyEmitter<TunelineEvent> progress;
    @Inject
    @Channel(Topics.MODEL_READY)
    MutinyEmitter<TunelineEvent> modelReady;
    @Inject
    @Channel(Topics.JOB_FAILED)
    MutinyEmitter<TunelineEvent> failed;

    /** A progress report. */
    public void progress(UUID job, JobProgress.Payload p) {
        send(progress, JobProgress.of(job, p));
    }

    /** The model is saved. */
    public void modelReady(UUID job, ModelReady.Payload p) {
        send(modelReady, ModelReady.of(job, p));
    }

    /** The job failed. */
    public void failed(UUID job, String service, String reason) {
        send(failed, JobFailed.of(job, service, reason));
    }

    private static void send(MutinyEmitter<TunelineEvent> emitter, TunelineEvent ev) {
        emitter.sendMessage(Message.of(ev, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(ev.jobId().toString()).build()))).await().atMost(Duration.ofSeconds(30));
    }
}
