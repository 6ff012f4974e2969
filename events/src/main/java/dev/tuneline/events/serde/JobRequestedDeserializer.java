package dev.tuneline.events.serde;

import dev.tuneline.events.JobRequested;

/** Kafka deserializer for {@link JobRequested}. */
public class JobRequestedDeserializer extends EventDeserializer<JobRequested> {
    /** Used by Kafka through reflection. */
    public JobRequestedDeserializer() {
        super(JobRequested.class, JobRequested.VERSION);
    }
}
