package dev.tuneline.events.serde;

import dev.tuneline.events.JobProgress;

/** Kafka deserializer for {@link JobProgress}. */
public class JobProgressDeserializer extends EventDeserializer<JobProgress> {
    /** Used by Kafka through reflection. */
    public JobProgressDeserializer() {
        super(JobProgress.class, JobProgress.VERSION);
    }
}
