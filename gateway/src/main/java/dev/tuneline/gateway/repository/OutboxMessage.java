package dev.tuneline.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An event written in the same transaction as the state change that caused it, sent to Kafka afterwards. */
@Entity
@Table(name = "outbox")
public class OutboxMessage extends PanacheEntityBase {
    /** Sequence id: messages are relayed in this order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** Target topic. */
    public String topic;
    /** Kafka key. */
    @Column(name = "msg_key")
    public String key;
    /** Event JSON. */
    public String payload;
    /** When it was written. */
    @Column(name = "created_at")
    public Instant createdAt;
    /** When the broker acknowledged it (null until then). */
    @Column(name = "sent_at")
    public Instant sentAt;
    /** Send attempts so far. */
    public int attempts;
}
