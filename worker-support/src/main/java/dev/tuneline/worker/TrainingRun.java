package dev.tuneline.worker;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A worker's record of one job: receiving batches, queued, training, or done (survives restarts). */
@Entity
@Table(name = "training_run")
public class TrainingRun extends PanacheEntityBase {
    /** The job. */
    @Id
    @Column(name = "job_id")
    public UUID jobId;
    /** sft or reward. */
    @Column(name = "job_type")
    public String jobType;
    /** RECEIVING, QUEUED, TRAINING, SUCCEEDED, FAILED, CANCELLED. */
    public String state;
    /** Batch records received (re-deliveries included). */
    public int batches;
    /** Final model directory. */
    @Column(name = "model_dir")
    public String modelDir;
    /** Failure reason. */
    public String reason;
    /** Claims of the job by a worker (a takeover after a crash or a hand-back at shutdown adds one). */
    public int attempts;
    /** The worker instance that holds the job's lease while it trains, else null. */
    public String owner;
    /** Until when the owner's lease holds (database clock); a lapsed lease lets another worker take the job over. */
    @Column(name = "lease_until")
    public Instant leaseUntil;
    /** Whether a run in {@code state} has ended (SUCCEEDED, FAILED or CANCELLED). */
    public static boolean terminal(String state) {
        return "SUCCEEDED".equals(state) || "FAILED".equals(state) || "CANCELLED".equals(state);
    }

    /** First batch seen. */
    @Column(name = "created_at")
    public Instant createdAt;
    /** Last change. */
    @Column(name = "updated_at")
    public Instant updatedAt;
}
