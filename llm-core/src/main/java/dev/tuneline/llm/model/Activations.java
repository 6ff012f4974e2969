package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.Set;

/**
 * The feed-forward activations of HuggingFace's {@code ACT2FN} that OPT and GPT-2 checkpoints use.
 *
 * <p>Scalars are created as arrays in the input's manager (never Java numbers passed to
 * arithmetic on tensors that need gradients; see the stack notes on DJL's scalar bug).
 */
public final class Activations {

    private static final Set<String> SUPPORTED =
            Set.of("relu", "gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast");

    private Activations() {}

    /** Throws if {@code name} is not a supported activation. */
    public static void check(String name) {
        if (!SUPPORTED.contains(name)) {
            throw new IllegalArgumentException(
                    "Unsupported activation_function '" + name + "' (supported: " + SUPPORTED + ")");
        }
    }

    /** Applies the activation {@code name} element-wise. */
    public static NDArray apply(String name, NDArray x) {
        switch (name) {
            case "relu":
                return Activation.relu(x);
            case "gelu":
                return Activation.gelu(x); // exact erf form, as torch.nn.functional.gelu
            case "gelu_new":
            case "gelu_pytorch_tanh":
            case "gelu_fast":
                return geluTanh(x);
            default:
                throw new IllegalArgumentException("Unsupported activation_function '" + name + "'");
        }
    }

    /** {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, HF's {@code gelu_new}. */
    public static NDArray geluTanh(NDArray x) {
        NDManager m = x.getManager();
        NDArray half = m.create(0.5f);
        NDArray one = m.create(1f);
        NDArray k = m.create(0.044715f);
        NDArray c = m.create((float) Math.sqrt(2.0 / Math.PI));
        NDArray cube = x.mul(x).mul(x);
        NDArray inner = x.add(cube.mul(k)).mul(c);
        return x.mul(half).mul(inner.tanh().add(one));
    }
}
