package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Collection;

/**
 * Clipping by the global L2 norm of all gradients, as {@code torch.nn.utils.clip_grad_norm_}: when the norm exceeds
 * {@code maxNorm}, every gradient is scaled by {@code maxNorm / (norm + 1e-6)}. (DJL's own clip option clamps
 * values, it does not clip a norm.)
 */
public final class GradientClipper {
    private GradientClipper() {}

    /** Clips in place and returns the norm before clipping; {@code maxNorm <= 0} only measures. */
    public static double clip(Collection<Parameter> params, double maxNorm) {
        if (params.isEmpty()) {
            return 0;
        }
        try (NDManager m = params.iterator().next().getArray().getManager().newSubManager()) {
            NDArray total = null;
            for (Parameter p : params) {
                NDArray g = Gradients.of(p, m);
                NDArray sq = g.mul(g).sum();
                total = total == null ? sq : total.add(sq);
            }
            double norm = Math.sqrt(total.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble());
            if (maxNorm > 0) {
                double coef = maxNorm / (norm + 1e-6);
                if (coef < 1.0) {
                    NDArray c = m.create((float) coef);
                    for (Parameter p : params) {
                        Gradients.of(p, m).muli(c);
                    }
                }
            }
            return norm;
        }
    }

    /** The global L2 norm of the gradients, unchanged. */
    public static double globalNorm(Collection<Parameter> params) {
        return clip(params, 0);
    }
}
