package dev.tuneline.eval.repository;

import dev.tuneline.events.EvalSet;
import dev.tuneline.events.Json;
import dev.tuneline.events.ModelReady;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Evaluation persistence; each method is one transaction. */
@ApplicationScoped
public class EvalRepository {
    /** Stores a held-out split (idempotent). */
    @Transactional
    public void saveEvalSet(EvalSet set) {
        if (EvalSetEntity.findById(set.jobId()) != null) {
            return;
        }
        EvalSetEntity e = new EvalSetEntity();
        e.jobId = set.jobId();
        e.jobType = set.payload().jobType();
        e.payload = json(set.payload());
        e.createdAt = Instant.now();
        e.persist();
    }

    /** The held-out split of a job, if it arrived. */
    @Transactional
    public Optional<EvalSet.Payload> evalSet(UUID jobId) {
        return EvalSetEntity.<EvalSetEntity>findByIdOptional(jobId).map(e -> read(e.payload, EvalSet.Payload.class));
    }

    /** Records a pending run; false when the job was evaluated (or is being evaluated) already. */
    @Transactional
    public boolean startRun(UUID jobId, ModelReady.Payload p) {
        if (EvalRun.findById(jobId) != null) {
            return false;
        }
        EvalRun r = new EvalRun();
        r.jobId = jobId;
        r.jobType = p.jobType();
        r.modelDir = p.modelDir();
        r.baseDir = p.baseModelDir();
        r.state = "PENDING";
        r.createdAt = r.updatedAt = Instant.now();
        r.persist();
        return true;
    }

    /** Records a pending run of an eval job (model A, and B when comparing); false when it exists. */
    @Transactional
    public boolean startEvalRun(UUID jobId, String modelDir, String compareDir) {
        if (EvalRun.findById(jobId) != null) {
            return false;
        }
        EvalRun r = new EvalRun();
        r.jobId = jobId;
        r.jobType = "eval";
        r.modelDir = modelDir;
        r.baseDir = compareDir;
        r.state = "PENDING";
        r.createdAt = r.updatedAt = Instant.now();
        r.persist();
        return true;
    }

    /** Runs still pending (a restart re-runs them). */
    @Transactional
    public List<EvalRun> pending() {
        return EvalRun.list("state", "PENDING");
    }

    /**
     * Marks a job's run CANCELLED unless it finished; records a CANCELLED run when none exists yet, so a later
     * model-ready or eval set does not start one. Returns whether anything was cancelled.
     */
    @Transactional
    public boolean cancel(UUID jobId) {
        EvalRun r = EvalRun.findById(jobId);
        if (r == null) {
            r = new EvalRun();
            r.jobId = jobId;
            r.jobType = "unknown";
            r.modelDir = "";
            r.state = "CANCELLED";
            r.summary = "cancelled by user before evaluation";
            r.createdAt = r.updatedAt = Instant.now();
            r.persist();
            return true;
        }
        if (!"PENDING".equals(r.state)) {
            return false;
        }
        r.state = "CANCELLED";
        r.summary = "cancelled by user";
        r.updatedAt = Instant.now();
        return true;
    }

    /** Finishes a run with its examples; false (nothing stored) when it was cancelled meanwhile. */
    @Transactional
    public boolean finish(UUID jobId, String state, String metricsJson, String summary, List<EvalExample> examples) {
        EvalRun r = EvalRun.findById(jobId);
        if ("CANCELLED".equals(r.state)) {
            return false;
        }
        r.state = state;
        r.metrics = metricsJson;
        r.summary = summary;
        r.updatedAt = Instant.now();
        EvalExample.delete("jobId", jobId);
        examples.forEach(e -> e.persist());
        return true;
    }

    /** A run. */
    @Transactional
    public Optional<EvalRun> run(UUID jobId) {
        return EvalRun.findByIdOptional(jobId);
    }

    /** A run's examples, by model then row. */
    @Transactional
    public List<EvalExample> examples(UUID jobId) {
        return EvalExample.list("jobId = ?1 order by model, row", jobId);
    }

    /** JSON with the shared mapper. */
    public static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String s, Class<T> type) {
        try {
            return Json.MAPPER.readValue(s, type);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
