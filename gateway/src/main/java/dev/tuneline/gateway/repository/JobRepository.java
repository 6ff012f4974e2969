package dev.tuneline.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Job persistence. */
@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<Job, UUID> {
    /** Newest jobs first, optionally only one state. */
    public List<Job> listNewest(JobState state, int page, int size) {
        Sort sort = Sort.descending("createdAt");
        return (state == null ? findAll(sort) : find("state", sort, state)).page(Page.of(page, size)).list();
    }

    /** Jobs that saved a model (reached model-ready), newest first. */
    public List<Job> withModels() {
        return find("modelDir is not null", Sort.descending("createdAt")).list();
    }
}
