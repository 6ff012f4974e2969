package dev.tuneline.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A HuggingFace checkpoint directory under the model root, registered by name. */
@Entity
@Table(name = "imported_model")
public class ImportedModel extends PanacheEntityBase {
    /** Model id used by the API. */
    @Id
    public String name;
    /** Directory relative to the model root. */
    public String path;
    /** causal-lm or reward. */
    public String kind;
    /** model_type of config.json (gpt2, opt). */
    public String architecture;
    /** Prompt template used for chat and scoring (null: the kind's default). */
    public String template;
    /** Free text. */
    public String description;
    /** When it was imported. */
    @Column(name = "created_at")
    public Instant createdAt;
}
