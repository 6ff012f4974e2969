package dev.tuneline.gateway.messaging;

import dev.tuneline.events.EvalCompleted;
import dev.tuneline.events.JobFailed;
import dev.tuneline.events.JobProgress;
import dev.tuneline.events.ModelReady;
import dev.tuneline.events.Topics;
import dev.tuneline.gateway.service.JobService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Follows worker and evaluator events and updates jobs. */
@ApplicationScoped
public class JobEventsConsumer {
    @Inject
    JobService jobs;

    /** Training progress. */
    @Incoming(Topics.JOB_PROGRESS)
    @Blocking
    public void progress(JobProgress ev) {
        jobs.onProgress(ev);
    }

    /** A trained model was saved. */
    @Incoming(Topics.MODEL_READY)
    @Blocking
    public void modelReady(ModelReady ev) {
        jobs.onModelReady(ev);
    }

    /** Evaluation results. */
    @Incoming(Topics.EVAL_COMPLETED)
    @Blocking
    public void evalCompleted(EvalCompleted ev) {
        jobs.onEvalCompleted(ev);
    }

    /** A job failed somewhere. */
    @Incoming(Topics.JOB_FAILED)
    @Blocking
    public void failed(JobFailed ev) {
        jobs.onFailed(ev);
    }
}
