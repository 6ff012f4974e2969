package dev.tuneline.events;

import java.time.Instant;
import java.util.UUID;

/** Common envelope of every Tuneline event: identity, job, schema version, time. */
public interface TunelineEvent {
    /** Unique id of this event (for de-duplication). */
    UUID eventId();

    /** The job this event belongs to; also the Kafka key. */
    UUID jobId();

    /** Schema version of the payload; consumers reject versions they do not know. */
    int schemaVersion();

    /** When the event was produced. */
    Instant occurredAt();
}
