package dev.tuneline.worker;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Training-run persistence; every method is its own transaction. Leases use the database's clock ({@code now()}), so
 * worker clocks need not agree; {@code {h-schema}} is the service's schema.
 */
@ApplicationScoped
public class TrainingRunRepository implements PanacheRepositoryBase<TrainingRun, UUID> {

    /**
     * A job a worker has just claimed.
     *
     * @param jobId the job
     * @param attempts claims so far, this one included
     * @param previousOwner who held it before (a takeover when its lease had lapsed), or null
     * @param exhausted true when the job had used up its attempts: it is now FAILED, not claimed
     */
    public record Claim(UUID jobId, int attempts, String previousOwner, boolean exhausted) {
    }

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

    /** Moves a run to a state (with an optional reason or model dir), whoever owns it. */
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
        r.updatedAt = Instant.now();
    }

    /** The run's state, or null. */
    @Transactional
    public String stateOf(UUID jobId) {
        TrainingRun r = findById(jobId);
        return r == null ? null : r.state;
    }

    /**
     * Claims the oldest job of {@code jobType} that is QUEUED, or TRAINING under a lapsed lease (its worker died), for
     * {@code owner} until {@code lease} from now. Concurrent workers never claim the same job (the row is locked with
     * {@code FOR UPDATE SKIP LOCKED}). A job already claimed {@code maxAttempts} times is marked FAILED instead.
     */
    @Transactional
    public Optional<Claim> claimNext(String jobType, String owner, Duration lease, int maxAttempts) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery(
                "SELECT CAST(job_id AS VARCHAR), attempts, owner FROM {h-schema}training_run"
                        + " WHERE job_type = :type AND (state = 'QUEUED'"
                        + " OR (state = 'TRAINING' AND (lease_until IS NULL OR lease_until < now())))"
                        + " ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED")
                .setParameter("type", jobType).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        UUID job = UUID.fromString((String) rows.get(0)[0]);
        int attempts = ((Number) rows.get(0)[1]).intValue();
        String previous = (String) rows.get(0)[2];
        if (attempts >= maxAttempts) {
            getEntityManager().createNativeQuery("UPDATE {h-schema}training_run SET state = 'FAILED', owner = NULL,"
                            + " lease_until = NULL, updated_at = now(), reason = :reason WHERE job_id = :id")
                    .setParameter("reason", "training was interrupted " + attempts + " times (worker crashed or was "
                            + "stopped each time" + (previous == null ? "" : "; last on " + previous)
                            + "); giving up after tuneline.worker.max-attempts = " + maxAttempts)
                    .setParameter("id", job).executeUpdate();
            return Optional.of(new Claim(job, attempts, previous, true));
        }
        getEntityManager().createNativeQuery("UPDATE {h-schema}training_run SET state = 'TRAINING', owner = :owner,"
                        + " lease_until = now() + make_interval(secs => :secs), attempts = attempts + 1,"
                        + " updated_at = now() WHERE job_id = :id")
                .setParameter("owner", owner).setParameter("secs", lease.toMillis() / 1000.0)
                .setParameter("id", job).executeUpdate();
        return Optional.of(new Claim(job, attempts + 1, previous, false));
    }

    /**
     * Marks a job CANCELLED unless it already ended; creates the row when no batch has arrived yet, so late batches
     * are ignored. Returns the state it had (null when it had no row; a terminal state when nothing changed).
     */
    @Transactional
    public String cancel(UUID jobId, String jobType, String reason) {
        TrainingRun r = findById(jobId);
        if (r == null) {
            r = new TrainingRun();
            r.jobId = jobId;
            r.jobType = jobType;
            r.state = "CANCELLED";
            r.reason = reason;
            r.createdAt = Instant.now();
            r.updatedAt = r.createdAt;
            persist(r);
            return null;
        }
        String before = r.state;
        if (!TrainingRun.terminal(before)) {
            r.state = "CANCELLED";
            r.reason = reason;
            r.owner = null;         // the owner's next renewal fails, and it aborts
            r.leaseUntil = null;
            r.updatedAt = Instant.now();
        }
        return before;
    }

    /**
     * Extends {@code owner}'s lease on a job it trains; false when it no longer owns it (another worker took it over,
     * or the job was cancelled).
     */
    @Transactional
    public boolean renew(UUID jobId, String owner, Duration lease) {
        return getEntityManager().createNativeQuery("UPDATE {h-schema}training_run"
                        + " SET lease_until = now() + make_interval(secs => :secs), updated_at = now()"
                        + " WHERE job_id = :id AND owner = :owner AND state = 'TRAINING'")
                .setParameter("secs", lease.toMillis() / 1000.0).setParameter("id", jobId)
                .setParameter("owner", owner).executeUpdate() == 1;
    }

    /** Hands a job back (QUEUED, no owner) so any worker resumes it at once; false when {@code owner} did not own it. */
    @Transactional
    public boolean release(UUID jobId, String owner) {
        return getEntityManager().createNativeQuery("UPDATE {h-schema}training_run SET state = 'QUEUED', owner = NULL,"
                        + " lease_until = NULL, updated_at = now() WHERE job_id = :id AND owner = :owner"
                        + " AND state = 'TRAINING'")
                .setParameter("id", jobId).setParameter("owner", owner).executeUpdate() == 1;
    }

    /**
     * Ends a job {@code owner} trained: SUCCEEDED (with its model dir) or FAILED (with a reason). False, changing
     * nothing, when another worker owns it now.
     */
    @Transactional
    public boolean finish(UUID jobId, String owner, String state, String reason, String modelDir) {
        var q = getEntityManager().createNativeQuery("UPDATE {h-schema}training_run SET state = :state"
                + (reason != null ? ", reason = :reason" : "") + (modelDir != null ? ", model_dir = :dir" : "")
                + ", owner = NULL, lease_until = NULL, updated_at = now()"
                + " WHERE job_id = :id AND owner = :owner AND state = 'TRAINING'");
        q.setParameter("state", state).setParameter("id", jobId).setParameter("owner", owner);
        if (reason != null) {
            q.setParameter("reason", reason);
        }
        if (modelDir != null) {
            q.setParameter("dir", modelDir);
        }
        return q.executeUpdate() == 1;
    }
}
