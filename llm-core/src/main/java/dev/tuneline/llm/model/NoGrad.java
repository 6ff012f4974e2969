package dev.tuneline.llm.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's grad mode off for a scope and restores it after (a no-op on other engines). Grad mode is per thread
 * in libtorch and its initial value depends on the thread, so code that updates parameters in place (optimizer steps,
 * clipping) or only reads the model (generation, evaluation) sets it explicitly instead of inheriting it.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean restore;

    private NoGrad(boolean restore) {
        this.restore = restore;
    }

    /** Grad mode off on this thread until {@link #close()}. */
    public static NoGrad enter() {
        if (!"PyTorch".equals(Engine.getInstance().getEngineName()) || !JniUtils.isGradMode()) {
            return new NoGrad(false);
        }
        JniUtils.setGradMode(false);
        return new NoGrad(true);
    }

    /** Restores grad mode if this scope turned it off. */
    @Override
    public void close() {
        if (restore) {
            JniUtils.setGradMode(true);
        }
    }
}
