package dev.tuneline.gateway.inference;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A unit of model work queued in the {@link InferenceEngine}: tasks with equal {@link #batchKey()} run together in
 * one batch on the worker thread.
 *
 * @param <R> the result type
 */
public abstract class InferenceTask<R> {
    private final ModelInfo model;
    private final long deadlineNanos;
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final long enqueuedNanos = System.nanoTime();

    /** A task on {@code model} that is dropped if not started before {@code deadlineNanos} ({@link System#nanoTime()}). */
    protected InferenceTask(ModelInfo model, long deadlineNanos) {
        this.model = model;
        this.deadlineNanos = deadlineNanos;
    }

    /** The model it runs on. */
    public ModelInfo model() {
        return model;
    }

    /** Completed with the result, or exceptionally with the reason it failed. */
    public CompletableFuture<R> result() {
        return result;
    }

    /** Tasks with equal keys may share a batch. */
    public abstract Object batchKey();

    /** Rows this task adds to a batch. */
    public int rows() {
        return 1;
    }

    /** Whether this task must not share a batch with {@code other} although their keys are equal. */
    public boolean conflictsWith(InferenceTask<?> other) {
        return false;
    }

    /** Runs {@code batch} (tasks with this task's key, this one first) on the loaded model, completing each task. */
    protected abstract void runBatch(LoadedModel model, List<InferenceTask<?>> batch, EngineStats stats);

    /** When it was queued ({@link System#nanoTime()}). */
    public long enqueuedNanos() {
        return enqueuedNanos;
    }

    /** Deadline ({@link System#nanoTime()}). */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** Completes the task. */
    protected void complete(R value) {
        result.complete(value);
    }

    /** Fails the task. */
    public void fail(Throwable t) {
        result.completeExceptionally(t);
    }

    /** Counters the tasks report to. */
    public interface EngineStats {
        /** Records generated tokens. */
        void generated(int tokens);

        /** Records prompt tokens read. */
        void prompted(int tokens);

        /** Most rows in one forward pass. */
        int maxBatchSize();
    }
}
