package dev.tuneline.eval.service;

import dev.tuneline.eval.messaging.EvalEvents;
import dev.tuneline.eval.repository.EvalRepository;
import dev.tuneline.eval.repository.EvalRun;
import dev.tuneline.events.EvalCompleted;
import dev.tuneline.events.EvalSet;
import dev.tuneline.events.ModelReady;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Evaluates each model-ready job on its held-out split, off the consumer thread: BLEU base vs tuned for SFT,
 * held-out accuracy for reward models. Results are stored and sent as eval-completed; pending runs resume after
 * a restart.
 */
@ApplicationScoped
public class EvaluationService {
    private static final Logger LOG = Logger.getLogger(EvaluationService.class);

    @Inject
    EvalRepository repo;
    @Inject
    EvalEvents events;
    @ConfigProperty(name = "tuneline.eval.wait-for-eval-set", defaultValue = "60s")
    Duration waitForEvalSet;

    /** Guards {@link #running} and {@link #evaluator} between a cancellation and the evaluator thread. */
    private final Object lock = new Object();
    private UUID running;
    private Thread evaluator;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "evaluator");
        t.setDaemon(true);
        return t;
    });

    /** Stores a held-out split; an eval job's split (it names its models) starts the evaluation at once. */
    public void onEvalSet(EvalSet set) {
        repo.saveEvalSet(set);
        var p = set.payload();
        if (p.mode() != null && p.models() != null
                && repo.startEvalRun(set.jobId(), p.models().get("model"), p.models().get("compare"))) {
            UUID job = set.jobId();
            executor.submit(() -> evaluate(job));
        }
    }

    /** Queues the evaluation of a trained model (once per job). */
    public void onModelReady(ModelReady ready) {
        if (repo.startRun(ready.jobId(), ready.payload())) {
            UUID job = ready.jobId();
            executor.submit(() -> evaluate(job));
        }
    }

    void onStart(@Observes StartupEvent ev) {
        for (EvalRun r : repo.pending()) {
            UUID job = r.jobId;
            executor.submit(() -> evaluate(job));
        }
    }

    /**
     * A user cancelled the job: a queued evaluation is skipped; a running one is interrupted at its next batch of
     * prompts and neither stored nor reported.
     */
    public void onCancel(UUID job) {
        if (repo.cancel(job)) {
            synchronized (lock) {
                if (job.equals(running)) {
                    evaluator.interrupt();
                }
            }
            LOG.infof("job %s: evaluation cancelled", job);
        }
    }

    private void evaluate(UUID job) {
        EvalRun run = repo.run(job).orElseThrow();
        if (!"PENDING".equals(run.state)) {
            LOG.infof("job %s: evaluation skipped (%s)", job, run.state);
            return;
        }
        synchronized (lock) {
            running = job;
            evaluator = Thread.currentThread();
        }
        try {
            evaluateRun(job, run);
        } finally {
            synchronized (lock) {
                running = null;
                Thread.interrupted();   // a cancellation must not reach the next job
            }
        }
    }

    private void evaluateRun(UUID job, EvalRun run) {
        try {
            EvalSet.Payload set = awaitEvalSet(job);
            Path model = Path.of(run.modelDir);
            Path base = run.baseDir == null ? null : Path.of(run.baseDir);
            EvalResult result = switch (run.jobType) {
                case "sft" -> SftEvaluator.evaluate(job, set, model, base);
                case "reward" -> RewardEvaluator.evaluate(job, set, model, base);
                case "eval" -> switch (set.mode()) {
                    case EvalSet.BLEU -> SftEvaluator.evaluate(job, set, model, null);
                    case EvalSet.REWARD_ACCURACY -> RewardEvaluator.evaluate(job, set, model, null);
                    case EvalSet.WIN_RATE -> WinRateEvaluator.evaluate(job, set, model, base, Path.of(set.models().get("judge")));
                    default -> throw new IllegalArgumentException("unknown eval mode '" + set.mode() + "'");
                };
                default -> throw new IllegalArgumentException("cannot evaluate a '" + run.jobType + "' job");
            };
            if (!repo.finish(job, "SUCCEEDED", EvalRepository.json(result.metrics()), result.summary(),
                    result.examples())) {
                LOG.infof("job %s: evaluated, but it was cancelled meanwhile; not reported", job);
                return;
            }
            events.completed(EvalCompleted.of(job, new EvalCompleted.Payload(run.jobType, run.modelDir,
                    result.metrics(), result.summary())));
            LOG.infof("job %s evaluated: %s", job, result.summary());
        } catch (CancellationException e) {
            LOG.infof("job %s: %s", job, e.getMessage());
        } catch (Exception | Error e) {
            if (Thread.interrupted() || e instanceof InterruptedException) {   // cancelled while waiting or loading
                LOG.infof("job %s: evaluation cancelled (%s)", job, e.toString());
                return;
            }
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.errorf(e, "evaluation of job %s failed", job);
            if (repo.finish(job, "FAILED", "{}", reason, List.of())) {
                events.failed(job, reason);
            }
        }
    }

    private EvalSet.Payload awaitEvalSet(UUID job) throws InterruptedException {
        long deadline = System.nanoTime() + waitForEvalSet.toNanos();
        while (true) {
            Optional<EvalSet.Payload> set = repo.evalSet(job);
            if (set.isPresent()) {
                return set.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no held-out split arrived for job " + job + " within " + waitForEvalSet);
            }
            Thread.sleep(500);
        }
    }
}
