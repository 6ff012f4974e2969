package dev.tuneline.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A job row: what was asked, where it stands, and what it produced. */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {
    /** Job id (also the Kafka key of all its events). */
    @Id
    public UUID id;
    /** sft, reward or eval. */
    public String type;
    /** Dataset name. */
    public String dataset;
    /** Base model name or directory. */
    @Column(name = "base_model")
    public String baseModel;
    /** Hyper-parameters as JSON. */
    public String config;
    /** Current state. */
    @Enumerated(EnumType.STRING)
    public JobState state;
    /** Why the job failed or was cancelled. */
    public String reason;
    /** Last reported optimizer step. */
    public int step;
    /** Planned optimizer steps. */
    @Column(name = "total_steps")
    public int totalSteps;
    /** Last reported training loss. */
    @Column(name = "last_loss")
    public Double lastLoss;
    /** Loss history as a JSON array of [step, loss]. */
    public String losses;
    /** Final metrics as a JSON object. */
    public String metrics;
    /** Where the trained model lies. */
    @Column(name = "model_dir")
    public String modelDir;
    /** When the job was created. */
    @Column(name = "created_at")
    public Instant createdAt;
    /** Last change. */
    @Column(name = "updated_at")
    public Instant updatedAt;
}
