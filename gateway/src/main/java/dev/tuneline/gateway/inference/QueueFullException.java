package dev.tuneline.gateway.inference;

/** The inference queue is full: answered 429 with {@code Retry-After}. */
public class QueueFullException extends RuntimeException {
    private final long retryAfterSeconds;

    /** With the suggested wait. */
    public QueueFullException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds to wait before retrying. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
