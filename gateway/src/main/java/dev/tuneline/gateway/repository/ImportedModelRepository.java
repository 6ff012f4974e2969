package dev.tuneline.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Imported model persistence. */
@ApplicationScoped
public class ImportedModelRepository implements PanacheRepositoryBase<ImportedModel, String> {
    /** Newest first. */
    public List<ImportedModel> listNewest() {
        return findAll(Sort.descending("createdAt")).list();
    }
}
