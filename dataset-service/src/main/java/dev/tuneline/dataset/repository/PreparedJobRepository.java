package dev.tuneline.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.UUID;

/** Records of handled jobs. */
@ApplicationScoped
public class PreparedJobRepository implements PanacheRepositoryBase<PreparedJob, UUID> {
    /** True when the job was handled before (a re-delivered request). */
    @Transactional
    public boolean handled(UUID jobId) {
        return findByIdOptional(jobId).isPresent();
    }

    /** Stores what was done. */
    @Transactional
    public void save(PreparedJob job) {
        persist(job);
    }
}
