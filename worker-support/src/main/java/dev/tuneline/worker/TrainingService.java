package dev.tuneline.worker;

import dev.tuneline.events.BatchMessage;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.llm.train.TrainerCore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * A worker's job lifecycle across replicas: batches are spooled to the shared model store and acknowledged at once;
 * when a job's end marker arrives the job is QUEUED in the database. Each worker runs a lease keeper that claims one
 * job at a time (QUEUED, or TRAINING under a lapsed lease: its worker died), renews the lease while the job trains on a
 * dedicated thread (never the Kafka consumer's, so the consumer keeps polling), and ends it only while it still owns
 * it. A claimed job resumes from its last checkpoint. At shutdown the trainer checkpoints and the job is handed back
 * so another replica resumes it at once; a worker that finds its lease taken over aborts without writing.
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
    /** How long a claim holds without renewal; renewed every quarter of it. */
    @ConfigProperty(name = "tuneline.worker.lease", defaultValue = "60s")
    Duration lease;
    /** Claims of one job before it is failed (a job that kills its worker every time must not crash-loop them all). */
    @ConfigProperty(name = "tuneline.worker.max-attempts", defaultValue = "5")
    int maxAttempts;
    /** This replica's name in the lease table (default: host name, which is the pod name on Kubernetes, + a nonce). */
    @ConfigProperty(name = "tuneline.worker.instance-id")
    Optional<String> instanceId;

    private final ExecutorService trainerThread = Executors.newSingleThreadExecutor(r -> daemon(r, "trainer"));
    private final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lease-keeper"));
    private final AtomicReference<TrainerCore<?>> active = new AtomicReference<>();
    private volatile UUID current;
    private volatile boolean lost;
    private volatile boolean cancelled;
    private volatile boolean stopping;
    private String me;

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** This replica's owner id in the lease table. */
    public String instanceId() {
        return me;
    }

    /** Spools one record; an end marker queues the job and wakes the lease keeper to claim it. */
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
            wake();
        }
    }

    /**
     * A user cancelled the job: it is marked CANCELLED (so it is never claimed and late batches are ignored) and its
     * files are removed; if a replica trains it, that replica's next lease renewal fails and it aborts without writing
     * (this replica aborts at once).
     */
    public void onCancel(UUID job, String reason) {
        String before = runs.cancel(job, jobType, reason);
        if (before == null || TrainingRun.terminal(before)) {
            LOG.infof("job %s cancelled (it was %s here)", job, before == null ? "unknown" : before);
            return;
        }
        if (job.equals(current)) {
            cancelled = true;
            TrainerCore<?> t = active.get();
            if (t != null) {
                t.requestAbort();
            }
        } else if (!"TRAINING".equals(before)) {
            deleteJobFiles(job);
        }
        LOG.infof("job %s cancelled while %s", job, before);
    }

    private void deleteJobFiles(UUID job) {
        Path dir = JobRunner.jobDir(modelRoot, job);
        try {
            TrainerCore.deleteTree(dir);
        } catch (IOException e) {
            LOG.warnf("job %s: could not remove %s: %s", job, dir, e.getMessage());
        }
    }

    void onStart(@Observes StartupEvent ev) {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElse(service);
        me = instanceId.filter(s -> !s.isBlank()).orElse(host + "-" + UUID.randomUUID().toString().substring(0, 8));
        long period = Math.max(100, lease.toMillis() / 4);
        keeper.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.MILLISECONDS);
        LOG.infof("worker %s: claims %s jobs, lease %s, renewed every %d ms", me, jobType, lease, period);
    }

    void onStop(@Observes ShutdownEvent ev) {
        stopping = true;   // no new claims; the keeper goes on renewing while the trainer checkpoints
        TrainerCore<?> t = active.get();
        if (t != null) {
            LOG.info("stopping: asking the trainer to checkpoint, then handing the job back");
            t.requestStop();
        }
        trainerThread.shutdown();
        try {
            trainerThread.awaitTermination(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        keeper.shutdownNow();
    }

    private void wake() {
        if (!keeper.isShutdown()) {
            keeper.execute(this::tick);
        }
    }

    /** On the keeper thread: renew the lease of the job in training, or claim the next one when idle. */
    private void tick() {
        try {
            UUID job = current;
            if (job != null) {
                if (!lost && !cancelled && !runs.renew(job, me, lease)) {
                    if ("CANCELLED".equals(runs.stateOf(job))) {
                        cancelled = true;
                        LOG.infof("job %s was cancelled: aborting", job);
                    } else {
                        lost = true;
                        LOG.warnf("job %s: lease lost to another worker (this one stalled past %s); aborting without "
                                + "writing", job, lease);
                    }
                    TrainerCore<?> t = active.get();
                    if (t != null) {
                        t.requestAbort();
                    }
                }
                return;
            }
            if (stopping || me == null) {
                return;
            }
            Optional<TrainingRunRepository.Claim> claim = runs.claimNext(jobType, me, lease, maxAttempts);
            if (claim.isEmpty()) {
                return;
            }
            TrainingRunRepository.Claim c = claim.get();
            if (c.exhausted()) {
                LOG.errorf("job %s failed: claimed %d times without finishing", c.jobId(), c.attempts());
                events.failed(c.jobId(), service, "training was interrupted " + c.attempts()
                        + " times (worker crashed or was stopped each time); giving up");
                wake();
                return;
            }
            if (c.previousOwner() != null) {
                LOG.infof("job %s: taking over from %s (its lease lapsed), attempt %d", c.jobId(), c.previousOwner(),
                        c.attempts());
            }
            lost = false;
            cancelled = false;
            current = c.jobId();
            trainerThread.execute(() -> train(c.jobId()));
        } catch (RuntimeException e) {
            LOG.warnf("lease keeper: %s (retrying)", e.toString());
        }
    }

    private void train(UUID job) {
        try {
            JobRunner<?, ?> typed = runner;
            var ready = typed.run(job, dataRoot, modelRoot, active::set, p -> events.progress(job, p));
            if (runs.finish(job, me, "SUCCEEDED", null, ready.modelDir())) {
                events.modelReady(job, ready);
                LOG.infof("job %s trained: %s", job, ready.metrics());
            } else {
                LOG.warnf("job %s: trained, but it was cancelled or another worker owns it now; not reported", job);
            }
        } catch (JobRunner.StoppedException e) {
            if (cancelled) {
                deleteJobFiles(job);
                LOG.infof("job %s: training aborted (cancelled), its files removed", job);
            } else if (lost) {
                LOG.infof("job %s: aborted (lease lost)", job);
            } else {
                runs.release(job, me);
                LOG.info(e.getMessage() + "; handed back for another worker");
            }
        } catch (Exception | Error e) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.errorf(e, "job %s failed", job);
            if (runs.finish(job, me, "FAILED", reason, null)) {
                events.failed(job, service, reason);
            }
        } finally {
            active.set(null);
            current = null;
            if (!stopping) {
                wake();
            }
        }
    }
}
