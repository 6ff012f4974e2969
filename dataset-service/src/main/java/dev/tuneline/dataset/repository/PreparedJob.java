package dev.tuneline.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** What dataset-service did for a job (also de-duplicates a re-delivered job-requested event). */
@Entity
@Table(name = "prepared_job")
public class PreparedJob extends PanacheEntityBase {
    /** The job. */
    @Id
    @Column(name = "job_id")
    public UUID jobId;
    /** sft or reward. */
    @Column(name = "job_type")
    public String jobType;
    /** Dataset name. */
    public String dataset;
    /** SENT or FAILED. */
    public String state;
    /** Batches sent. */
    public int batches;
    /** Rows sent. */
    public int rows;
    /** Rows not trained on. */
    public int skipped;
    /** Checksum sent in the end marker. */
    public String checksum;
    /** Failure reason. */
    public String reason;
    /** When it was handled. */
    @Column(name = "created_at")
    public Instant createdAt;
}
