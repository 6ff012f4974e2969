package dev.tuneline.gateway.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneline.events.EvalCompleted;
import dev.tuneline.events.JobFailed;
import dev.tuneline.events.JobProgress;
import dev.tuneline.events.JobCancelled;
import dev.tuneline.events.JobRequested;
import dev.tuneline.events.Json;
import dev.tuneline.events.ModelReady;
import dev.tuneline.events.Topics;
import dev.tuneline.gateway.repository.Job;
import dev.tuneline.gateway.repository.JobRepository;
import dev.tuneline.gateway.repository.JobState;
import dev.tuneline.gateway.repository.OutboxMessage;
import dev.tuneline.gateway.repository.OutboxRepository;
import dev.tuneline.gateway.rest.JobCreateRequest;
import dev.tuneline.gateway.rest.JobParams;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.registry.BaseModelRef;
import dev.tuneline.llm.registry.BaseModelResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.NotFoundException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Job lifecycle: creation (with its outbox event), queries, cancellation, and updates from worker events. */
@ApplicationScoped
public class JobService {
    private static final Logger LOG = Logger.getLogger(JobService.class);
    /** Loss history kept per job (older points are thinned). */
    static final int MAX_LOSS_POINTS = 500;

    @Inject
    JobRepository jobs;
    @Inject
    OutboxRepository outbox;
    @Inject
    JobEventBus bus;
    @Inject
    ModelRegistry models;
    @ConfigProperty(name = "tuneline.data-root")
    String dataRoot;

    /**
     * Persists a new job and its job-requested event in one transaction. The base model of sft and reward jobs must
     * resolve (a preset or a checkpoint directory); an eval job names a registered model (GET /v1/models), and its
     * event carries that model's directory relative to the model root.
     */
    @Transactional
    public Job create(JobCreateRequest req) {
        JobParams params = req.config() == null ? JobParams.defaults() : req.config();
        if (params.template() != null && !PromptTemplate.NAMES.contains(params.template())) {
            throw new IllegalArgumentException("config.template must be one of " + PromptTemplate.NAMES + ", got '"
                    + params.template() + "'");
        }
        String eventBase = req.baseModel();
        if ("eval".equals(req.type())) {
            // a registered model (by id or name), or a model directory under the model root
            eventBase = models.find(req.baseModel()).map(models::relativePath).orElseGet(() -> {
                String what = "baseModel: an eval job evaluates a registered model (GET /v1/models) or a model "
                        + "directory with weights under the model root; '" + req.baseModel() + "' is neither";
                BaseModelRef ref;
                try {
                    ref = new BaseModelResolver(Path.of(dataRoot), models.modelRoot()).resolve(req.baseModel());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(what + " (" + e.getMessage() + ")", e);
                }
                if (!ref.hasWeights()) {
                    throw new IllegalArgumentException(what + " (it has no weights)");
                }
                return req.baseModel();
            });
        } else {
            new BaseModelResolver(Path.of(dataRoot), models.modelRoot()).resolve(req.baseModel());
        }
        Job job = new Job();
        job.id = UUID.randomUUID();
        job.type = req.type();
        job.dataset = req.dataset();
        job.baseModel = req.baseModel();
        job.config = write(params.toConfig());
        job.state = JobState.QUEUED;
        job.totalSteps = params.toConfig().maxStepsOr();
        job.losses = "[]";
        job.metrics = "{}";
        job.createdAt = job.updatedAt = Instant.now();
        jobs.persist(job);

        JobRequested event = JobRequested.of(job.id,
                new JobRequested.Payload(job.type, job.dataset, eventBase, params.toConfig()));
        enqueue(Topics.JOB_REQUESTED, job.id, event);
        return job;
    }

    /** An outbox row: sent to {@code topic} by the relay once this transaction commits. */
    private void enqueue(String topic, UUID key, Object event) {
        OutboxMessage msg = new OutboxMessage();
        msg.topic = topic;
        msg.key = key.toString();
        msg.payload = write(event);
        msg.createdAt = Instant.now();
        outbox.persist(msg);
    }

    /** The job, or 404. */
    public Job get(UUID id) {
        return jobs.findByIdOptional(id).orElseThrow(() -> new NotFoundException("job " + id + " does not exist"));
    }

    /** Newest first. */
    public List<Job> list(JobState state, int page, int size) {
        return jobs.listNewest(state, page, size);
    }

    /** Cancels a job that has not finished; a finished job cannot be cancelled (409). */
    @Transactional
    public Job cancel(UUID id) {
        Job job = get(id);
        if (job.state.terminal()) {
            throw new IllegalStateException("job " + id + " is already " + job.state);
        }
        transition(job, JobState.CANCELLED, "cancelled by user");
        // in the same transaction: the workers and eval-service hear of it even if the gateway dies now
        enqueue(Topics.JOB_CANCELLED, job.id, JobCancelled.of(job.id, "cancelled by user"));
        return job;
    }

    /** Applies a progress report. */
    @Transactional
    public void onProgress(JobProgress ev) {
        find(ev.jobId()).ifPresent(job -> {
            JobProgress.Payload p = ev.payload();
            JobState next = "dataset".equals(p.stage()) ? JobState.PREPARING : JobState.TRAINING;
            if (!transition(job, next, null)) {
                return;
            }
            if (!"dataset".equals(p.stage())) {
                job.step = p.step();
                job.totalSteps = p.totalSteps();
                job.lastLoss = p.loss();
                ArrayNode losses = (ArrayNode) readTree(job.losses);
                losses.addArray().add(p.step()).add(p.loss());
                while (losses.size() > MAX_LOSS_POINTS) {
                    losses.remove(1);
                }
                job.losses = losses.toString();
            }
            bus.publish(job.id, "progress", ev.payload());
        });
    }

    /** A model was saved: the job moves to evaluation. */
    @Transactional
    public void onModelReady(ModelReady ev) {
        find(ev.jobId()).ifPresent(job -> {
            if (transition(job, JobState.EVALUATING, null)) {
                job.modelDir = ev.payload().modelDir();
                mergeMetrics(job, "train", ev.payload().metrics());
                bus.publish(job.id, "model-ready", ev.payload());
            }
        });
    }

    /** Evaluation finished: the job succeeded. */
    @Transactional
    public void onEvalCompleted(EvalCompleted ev) {
        find(ev.jobId()).ifPresent(job -> {
            if (transition(job, JobState.SUCCEEDED, null)) {
                mergeMetrics(job, "eval", ev.payload().metrics());
                bus.publish(job.id, "eval-completed", ev.payload());
                bus.complete(job.id);
            }
        });
    }

    /** A service failed the job. */
    @Transactional
    public void onFailed(JobFailed ev) {
        find(ev.jobId()).ifPresent(job -> {
            if (transition(job, JobState.FAILED, ev.payload().service() + ": " + ev.payload().reason())) {
                bus.publish(job.id, "failed", ev.payload());
                bus.complete(job.id);
            }
        });
    }

    private Optional<Job> find(UUID id) {
        Optional<Job> job = jobs.findByIdOptional(id);
        if (job.isEmpty()) {
            LOG.warnf("event for unknown job %s ignored", id);
        }
        return job;
    }

    /** Moves forward only: terminal states stay, and a late progress event never moves a job backwards. */
    private static boolean transition(Job job, JobState next, String reason) {
        if (job.state.terminal() || next.ordinal() < job.state.ordinal()) {
            return false;
        }
        job.state = next;
        if (reason != null) {
            job.reason = reason;
        }
        job.updatedAt = Instant.now();
        return true;
    }

    private static void mergeMetrics(Job job, String prefix, Map<String, Double> metrics) {
        if (metrics == null) {
            return;
        }
        ObjectNode node = (ObjectNode) readTree(job.metrics);
        metrics.forEach((k, v) -> node.put(prefix + "." + k, v));
        job.metrics = node.toString();
    }

    private static String write(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
