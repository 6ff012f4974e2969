package dev.tuneline.events.serde;

import dev.tuneline.events.JobCancelled;

/** Kafka deserializer for {@link JobCancelled}. */
public class JobCancelledDeserializer extends EventDeserializer<JobCancelled> {
    /** Used by Kafka through reflection. */
    public JobCancelledDeserializer() {
        super(JobCancelled.class, JobCancelled.VERSION);
    }
}
