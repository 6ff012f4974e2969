package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Pairwise reward loss as TRL's RewardTrainer: {@code -logsigmoid(r_c - r_r - margin).mean()}, plus
 * {@code c * mean((r_c + r_r)^2)} when a centering coefficient c is set. Rewards and margins must be [B].
 *
 * <p>{@code -logsigmoid(d)} is computed stably as {@code max(-d, 0) + log(1 + exp(-|d|))}; all scalars are
 * NDArrays (never Java numbers on tensors that need gradients).
 */
public final class BradleyTerryLoss {
    private BradleyTerryLoss() {}

    /** The mean loss over the B pairs; {@code margins} may be null, {@code centerCoefficient} 0 = off. */
    public static NDArray mean(NDArray chosen, NDArray rejected, NDArray margins, double centerCoefficient) {
        long b = checkShapes(chosen, rejected, margins);
        return sum(chosen, rejected, margins, centerCoefficient).div(chosen.getManager().create((float) b));
    }

    /** B times {@link #mean}: the sum a trainer divides by the pair count of its accumulation window. */
    public static NDArray sum(NDArray chosen, NDArray rejected, NDArray margins, double centerCoefficient) {
        checkShapes(chosen, rejected, margins);
        NDManager m = chosen.getManager();
        NDArray zero = m.create(0f);
        NDArray one = m.create(1f);
        NDArray d = chosen.sub(rejected); // (B)
        if (margins != null) {
            d = d.sub(margins);
        }
        NDArray negLogSigmoid = d.neg().maximum(zero).add(d.abs().neg().exp().add(one).log()); // (B)
        NDArray loss = negLogSigmoid.sum();
        if (centerCoefficient != 0) {
            NDArray s = chosen.add(rejected);
            loss = loss.add(s.mul(s).sum().mul(m.create((float) centerCoefficient)));
        }
        return loss;
    }

    private static long checkShapes(NDArray chosen, NDArray rejected, NDArray margins) {
        Shape c = chosen.getShape();
        if (c.dimension() != 1) {
            throw new IllegalArgumentException("BradleyTerryLoss: chosen rewards must have shape [B], got " + c);
        }
        if (!rejected.getShape().equals(c)) {
            throw new IllegalArgumentException("BradleyTerryLoss: rejected rewards must have shape " + c + " like chosen, got "
                    + rejected.getShape());
        }
        if (margins != null && !margins.getShape().equals(c)) {
            throw new IllegalArgumentException("BradleyTerryLoss: margins must have shape " + c + ", got " + margins.getShape());
        }
        return c.get(0);
    }
}
