package dev.tuneline.eval.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** One evaluated example: prompt, what a model produced, the reference, and its sentence score or reward. */
@Entity
@Table(name = "eval_example")
public class EvalExample extends PanacheEntityBase {
    /** Row id. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** The job. */
    @Column(name = "job_id")
    public UUID jobId;
    /** base, tuned, chosen or rejected. */
    public String model;
    /** Row number in the dataset. */
    @Column(name = "row_index")
    public int row;
    /** Rendered prompt. */
    public String prompt;
    /** Generated completion (or the response scored). */
    public String output;
    /** Reference output (sft). */
    public String reference;
    /** Sentence BLEU (sft) or reward (reward). */
    public Double score;
}
