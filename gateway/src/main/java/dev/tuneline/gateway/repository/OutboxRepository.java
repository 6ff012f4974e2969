package dev.tuneline.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Outbox persistence. */
@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxMessage, Long> {
    /** Oldest unsent messages first. */
    public List<OutboxMessage> unsent(int max) {
        return find("sentAt is null", Sort.ascending("id")).page(0, max).list();
    }
}
