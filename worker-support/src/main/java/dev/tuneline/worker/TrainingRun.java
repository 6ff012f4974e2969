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
    /** RECEIVING, QUEUED, TRAINING, SUCCEEDED, FAILED. */
    public String state;
    /** Batch records received (re-deliveries included). */
    public int batches;
    /** Final model directory. */
    @Column(name = "model_dir")
    public String modelDir;
    /** Failure reason. */
    public String reason;
    /** Training attempts (a restart after a crash adds one). */
    public int attempts;
    /** First batch seen. */
    @Column(name = "created_at")
    public Instant createdAt;
    /** Last change. */
    @Column(name = "updated_at")
    public Instant updatedAt;
}
