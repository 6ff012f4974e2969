package dev.tuneline.gateway.repository;

/** Lifecycle of a job; SUCCEEDED, FAILED and CANCELLED are terminal. */
public enum JobState {
    QUEUED, PREPARING, TRAINING, EVALUATING, SUCCEEDED, FAILED, CANCELLED;

    /** True when no further transition is allowed. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
