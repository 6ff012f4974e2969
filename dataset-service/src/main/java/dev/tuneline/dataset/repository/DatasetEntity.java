package dev.tuneline.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A registered dataset: a validated file under the data root. */
@Entity
@Table(name = "dataset")
public class DatasetEntity extends PanacheEntityBase {
    /** Unique name used by jobs. */
    @Id
    public String name;
    /** instruction or preference. */
    public String kind;
    /** Path relative to the data root. */
    public String path;
    /** Number of rows. */
    public int rows;
    /** Hex SHA-256 of the file. */
    public String checksum;
    /** License of the data. */
    public String license;
    /** Where it came from. */
    public String source;
    /** Registration time. */
    @Column(name = "created_at")
    public Instant createdAt;
}
