package dev.tuneline.worker;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Training-run persistence; every method is its own transaction. */
@ApplicationScoped
public class TrainingRunRepository implements PanacheRepositoryBase<TrainingRun, UUID> {
    /** Counts a received batch, creating the run on the first one. */
    @Transactional
    public TrainingRun received(UUID jobId, String jobType) {
        TrainingRun r = findById(jobId);
        if (r == null) {
            r = new TrainingRun();
            r.jobId = jobId;
            r.jobType = jobType;
            r.state = "RECEIVING";
            r.createdAt = Instant.now();
            r.updatedAt = r.createdAt;
            persist(r);
        }
        r.batches++;
        r.updatedAt = Instant.now();
        return r;
    }

    /** Moves a run to a state (with an optional reason or model dir). */
    @Transactional
    public void state(UUID jobId, String state, String reason, String modelDir) {
        TrainingRun r = findById(jobId);
        if (r == null) {
            return;
        }
        r.state = state;
        if (reason != null) {
            r.reason = reason;
        }
        if (modelDir != null) {
            r.modelDir = modelDir;
        }
        if ("TRAINING".equals(state)) {
            r.attempts++;
        }
        r.updatedAt = Instant.now();
    }

    /** The run's state, or null. */
    @Transactional
    public String stateOf(UUID jobId) {
        TrainingRun r = findById(jobId);
        return r == null ? null : r.state;
    }

    /** Runs that were queued or training when the previous worker stopped. */
    @Transactional
    public List<UUID> unfinished() {
        return find("state in ('QUEUED', 'TRAINING')").<TrainingRun>list().stream().map(r -> r.jobId).toList();
    }
}
