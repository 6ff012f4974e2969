package dev.tuneline.events.serde;

import dev.tuneline.events.JobFailed;

/** Kafka deserializer for {@link JobFailed}. */
public class JobFailedDeserializer extends EventDeserializer<JobFailed> {
    /** Used by Kafka through reflection. */
    public JobFailedDeserializer() {
        super(JobFailed.class, JobFailed.VERSION);
    }
}
