package dev.tuneline.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A job's held-out split as dataset-service sent it (the event payload as JSON). */
@Entity
@Table(name = "eval_set")
public class EvalSetEntity extends PanacheEntityBase {
    /** The job. */
    @Id
    @Column(name = "job_id")
    public UUID jobId;
    /** sft or reward. */
    @Column(name = "job_type")
    public String jobType;
    /** {@code EvalSet.Payload} as JSON. */
    public String payload;
    /** When it arrived. */
    @Column(name = "created_at")
    public Instant createdAt;
}
