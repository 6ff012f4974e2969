package dev.tuneline.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One evaluation: which model, its state and its metrics. */
@Entity
@Table(name = "eval_run")
public class EvalRun extends PanacheEntityBase {
    /** The job. */
    @Id
    @Column(name = "job_id")
    public UUID jobId;
    /** sft or reward. */
    @Column(name = "job_type")
    public String jobType;
    /** The model evaluated. */
    @Column(name = "model_dir")
    public String modelDir;
    /** Its untrained base (for base-vs-tuned BLEU). */
    @Column(name = "base_dir")
    public String baseDir;
    /** PENDING, SUCCEEDED or FAILED. */
    public String state;
    /** Metrics as JSON. */
    public String metrics;
    /** One line for humans (BLEU signature, accuracy with its interval). */
    public String summary;
    /** Created. */
    @Column(name = "created_at")
    public Instant createdAt;
    /** Last change. */
    @Column(name = "updated_at")
    public Instant updatedAt;
}
