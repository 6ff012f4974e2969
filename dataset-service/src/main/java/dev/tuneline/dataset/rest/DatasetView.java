package dev.tuneline.dataset.rest;

import dev.tuneline.dataset.repository.DatasetEntity;
import java.time.Instant;

/** A registered dataset as the API shows it. */
public record DatasetView(String name, String kind, int rows, String checksum, String license, String source,
        Instant createdAt) {
    /** Maps the entity. */
    public static DatasetView of(DatasetEntity e) {
        return new DatasetView(e.name, e.kind, e.rows, e.checksum, e.license, e.source, e.createdAt);
    }
}
