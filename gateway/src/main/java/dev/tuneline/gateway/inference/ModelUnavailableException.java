package dev.tuneline.gateway.inference;

/** A registered model cannot be loaded (missing files, unsupported or corrupt checkpoint): answered 503. */
public class ModelUnavailableException extends RuntimeException {
    /** With a message naming the model and the cause. */
    public ModelUnavailableException(String message) {
        super(message);
    }

    /** With a message and the underlying error. */
    public ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
