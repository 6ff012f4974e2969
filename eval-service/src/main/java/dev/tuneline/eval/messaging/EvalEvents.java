package dev.tuneline.eval.messaging;

import dev.tuneline.events.EvalCompleted;
import dev.tuneline.events.JobFailed;
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

/** eval-service's outgoing events, keyed by job and acknowledged by the broker. */
@ApplicationScoped
public class EvalEvents {
    @Inject
    @Channel(Topics.EVAL_COMPLETED)
    MutinyEmitter<TunelineEvent> completed;
    @Inject
    @Channel(Topics.JOB_FAILED)
    MutinyEmitter<TunelineEvent> failed;

    /** Results. */
    public void completed(EvalCompleted ev) {
        send(completed, ev);
    }

    /** The evaluation failed. */
    public void failed(UUID job, String reason) {
        send(failed, JobFailed.of(job, "eval-service", reason));
    }

    private static void send(MutinyEmitter<TunelineEvent> emitter, TunelineEvent ev) {
        emitter.sendMessage(Message.of(ev, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(ev.jobId().toString()).build()))).await().atMost(Duration.ofSeconds(30));
    }
}
