package dev.tuneline.gateway.service;

import dev.tuneline.gateway.config.GatewayConfig;
import dev.tuneline.gateway.inference.InferenceEngine;
import dev.tuneline.gateway.inference.InferenceTask;
import dev.tuneline.gateway.inference.ModelInfo;
import dev.tuneline.gateway.inference.ModelKind;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Front of the inference engine for the resources: model lookup by kind, caps, timeouts, queueing. */
@ApplicationScoped
public class InferenceService {
    @Inject
    InferenceEngine engine;
    @Inject
    ModelRegistry registry;
    @Inject
    GatewayConfig config;

    /** The servable model {@code id} of the {@code expected} kind (404 unknown, 400 wrong kind). */
    public ModelInfo model(String id, ModelKind expected) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("model is required (an id from GET /v1/models)");
        }
        ModelInfo info = registry.servable(id);
        if (info.kind() != expected) {
            throw new IllegalArgumentException(expected == ModelKind.REWARD
                    ? "model '" + id + "' is a causal LM, not a reward model: use /v1/generate or /v1/completions"
                    : "model '" + id + "' is a reward model: use /v1/score or /v1/compare");
        }
        return info;
    }

    /** The request's timeout: {@code seconds} when given (at most the configured one), else the configured one. */
    public Duration timeout(Double seconds) {
        Duration max = config.inference().timeout();
        if (seconds == null) {
            return max;
        }
        if (!(seconds > 0) || seconds * 1000 > max.toMillis()) {
            throw new IllegalArgumentException("timeoutSeconds must be in (0, " + max.toMillis() / 1000.0 + "]");
        }
        return Duration.ofMillis((long) (seconds * 1000));
    }

    /** {@link System#nanoTime()} deadline for a timeout. */
    public static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    /** Checks a requested number of new tokens against the cap. */
    public int newTokens(Integer requested, int fallback, String field) {
        int cap = config.inference().maxNewTokens();
        int n = requested == null ? Math.min(fallback, cap) : requested;
        if (n < 0 || n > cap) {
            throw new IllegalArgumentException(field + " must be in [0, " + cap + "], got " + n);
        }
        return n;
    }

    /** Checks a count of prompts or pairs against the cap. */
    public void checkCount(int n, String field) {
        int cap = config.inference().maxPromptsPerRequest();
        if (n < 1 || n > cap) {
            throw new IllegalArgumentException(field + " must hold 1 to " + cap + " items, got " + n);
        }
    }

    /** Checks a number of alternatives per position against the cap. */
    public void checkTop(int k, String field) {
        int cap = config.inference().maxTopLogprobs();
        if (k < 0 || k > cap) {
            throw new IllegalArgumentException(field + " must be in [0, " + cap + "], got " + k);
        }
    }

    /** Queues the task (429 when full) and completes with its result, or fails after {@code timeout}. */
    public <R> Uni<R> run(InferenceTask<R> task, Duration timeout) {
        engine.submit(task);
        return await(task, timeout);
    }

    /** The result of a queued task, or a failure after {@code timeout}. */
    private static <R> Uni<R> await(InferenceTask<R> task, Duration timeout) {
        // results are handed to a Quarkus worker: the inference thread never serialises responses
        return Uni.createFrom().completionStage(task.result().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().transform(InferenceService::unwrap);
    }

    /** Queues several tasks (429 when the queue is full: then none of them runs). */
    public void submitAll(java.util.List<? extends InferenceTask<?>> tasks) {
        try {
            tasks.forEach(engine::submit);
        } catch (RuntimeException e) {
            tasks.forEach(t -> t.result().cancel(false));   // queued siblings are skipped by the worker
            throw e;
        }
    }

    /** Queues several tasks and combines their results in order. */
    public <R, T> Uni<T> runAll(java.util.List<? extends InferenceTask<R>> tasks, Duration timeout,
            Function<java.util.List<R>, T> combine) {
        submitAll(tasks);
        java.util.List<Uni<R>> unis = new java.util.ArrayList<>();
        for (InferenceTask<R> t : tasks) {
            unis.add(await(t, timeout));
        }
        return Uni.join().all(unis).andFailFast().map(combine)
                .onFailure().transform(InferenceService::unwrap);
    }

    /** The underlying cause of a wrapped failure. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException
                || c instanceof io.smallrye.mutiny.CompositeException) && c.getCause() != null) {
            c = c instanceof io.smallrye.mutiny.CompositeException ce ? ce.getCauses().get(0) : c.getCause();
        }
        return c;
    }
}
