package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Access to parameter gradients on DJL's PyTorch engine.
 *
 * <p>{@code getGradient()} wraps the parameter's {@code .grad} in a new handle owned by the parameter's manager; we
 * move that handle to a short-lived manager so nothing accumulates in the model's manager. The wrapper shares the
 * gradient's storage, so in-place ops on it change the real gradient. Backward passes add into {@code .grad};
 * nothing in DJL zeroes it except its own optimizers, so {@link #zero} must run after every optimizer step.
 */
final class Gradients {
    private Gradients() {}

    /** The gradient of {@code p} (zeros when backward never reached it), handle owned by {@code into}. */
    static NDArray of(Parameter p, NDManager into) {
        NDArray w = p.getArray();
        if (!w.hasGradient()) {
            throw new IllegalStateException("parameter " + p.getName() + " does not require gradients (frozen?)");
        }
        NDArray g = w.getGradient();
        g.attach(into);
        return g;
    }

    /** Zeroes the accumulated gradient of {@code p} in place (torch {@code grad.zero_()}). */
    static void zero(Parameter p) {
        NDArray w = p.getArray();
        if (w instanceof PtNDArray && w.hasGradient()) {
            JniUtils.zeroGrad((PtNDArray) w);
        } else if (w.hasGradient()) {
            try (NDManager m = w.getManager().newSubManager()) {
                NDArray g = of(p, m);
                g.subi(g);
            }
        }
    }
}
