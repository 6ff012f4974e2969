package dev.tuneline.eval.messaging;

import dev.tuneline.eval.service.EvaluationService;
import dev.tuneline.events.EvalSet;
import dev.tuneline.events.JobCancelled;
import dev.tuneline.events.ModelReady;
import dev.tuneline.events.Topics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Held-out splits, trained models and cancellations arrive here; unreadable records go to the dead-letter topic. */
@ApplicationScoped
public class EvalConsumers {
    @Inject
    EvaluationService evaluation;

    /** A job's held-out split. */
    @Incoming(Topics.EVAL_SETS)
    @Blocking
    public void evalSet(EvalSet set) {
        if (set == null || set.payload() == null) {
            throw new IllegalArgumentException("eval-sets record without a readable payload");
        }
        evaluation.onEvalSet(set);
    }

    /** A user cancelled a job. */
    @Incoming(Topics.JOB_CANCELLED)
    @Blocking
    public void cancelled(JobCancelled event) {
        if (event == null || event.payload() == null) {
            throw new IllegalArgumentException("job-cancelled record without a readable payload");
        }
        evaluation.onCancel(event.jobId());
    }

    /** A trained model to evaluate. */
    @Incoming(Topics.MODEL_READY)
    @Blocking
    public void modelReady(ModelReady ready) {
        if (ready == null || ready.payload() == null) {
            throw new IllegalArgumentException("model-ready record without a readable payload");
        }
        evaluation.onModelReady(ready);
    }
}
