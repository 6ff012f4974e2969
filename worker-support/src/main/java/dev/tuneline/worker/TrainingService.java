package dev.tuneline.worker;

import dev.tuneline.events.BatchMessage;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.llm.train.TrainerCore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * A worker's job lifecycle: batches are spooled to disk and acknowledged at once; when a job's end marker
 * arrives the job is queued and trained on a dedicated thread (never the Kafka consumer's, so the consumer keeps
 * polling); on shutdown the running trainer checkpoints; on start-up unfinished jobs resume from their checkpoint.
 */
@ApplicationScoped
public class TrainingService {
    private static final Logger LOG = Logger.getLogger(TrainingService.class);

    @Inject
    TrainingRunRepository runs;
    @Inject
    WorkerEvents events;
    @Inject
    @SuppressWarnings("rawtypes")
    JobRunner runner;
    @ConfigProperty(name = "quarkus.application.name")
    String service;
    @ConfigProperty(name = "tuneline.data-root")
    Path dataRoot;
    @ConfigProperty(name = "tuneline.model-root")
    Path modelRoot;
    @ConfigProperty(name = "tuneline.worker.job-type")
    String jobType;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trainer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<TrainerCore<?>> active = new AtomicReference<>();

    /** Spools one record; an end marker queues the job for training. */
    public void onBatch(BatchMessage message) {
        UUID job = message.jobId();
        String state = runs.stateOf(job);
        if (state != null && !"RECEIVING".equals(state)) {
            LOG.debugf("job %s is %s, record ignored (re-delivery)", job, state);
            return;
        }
        JobRunner.spool(modelRoot, job).put(message);
        runs.received(job, jobType);
        if (message instanceof BatchesEnd) {
            runs.state(job, "QUEUED", null, null);
            submit(job);
        }
    }

    void onStart(@Observes StartupEvent ev) {
        for (UUID job : runs.unfinished()) {
            LOG.infof("resuming job %s from its last checkpoint", job);
            submit(job);
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        TrainerCore<?> t = active.get();
        if (t != null) {
            LOG.info("stopping: asking the trainer to checkpoint");
            t.requestStop();
        }
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(UUID job) {
        executor.submit(() -> train(job));
    }

    private void train(UUID job) {
        runs.state(job, "TRAINING", null, null);
        try {
            JobRunner<?, ?> typed = runner;
            var ready = typed.run(job, dataRoot, modelRoot, active::set, p -> events.progress(job, p));
            runs.state(job, "SUCCEEDED", null, ready.modelDir());
            events.modelReady(job, ready);
            LOG.infof("job %s trained: %s", job, ready.metrics());
        } catch (JobRunner.StoppedException e) {
            LOG.info(e.getMessage());
        } catch (Exception | Error e) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.errorf(e, "job %s failed", job);
            runs.state(job, "FAILED", reason, null);
            events.failed(job, service, reason);
        } finally {
            active.set(null);
        }
    }
}
