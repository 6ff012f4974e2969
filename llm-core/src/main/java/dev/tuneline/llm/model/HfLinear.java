package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An affine layer with HuggingFace parameter layout: {@code nn.Linear} ({@code weight (out, in)})
 * or GPT-2's {@code Conv1D} ({@code weight (in, out)}, "transposed"), optional bias, and an
 * optional {@link LinearAdapter} added to its output.
 */
public final class HfLinear extends AbstractHfBlock {

    private final int in;
    private final int out;
    private final boolean conv1dLayout;
    private final Parameter weight;
    private final Parameter bias;
    private LinearAdapter adapter;

    private HfLinear(int in, int out, boolean hasBias, boolean conv1dLayout) {
        this.in = in;
        this.out = out;
        this.conv1dLayout = conv1dLayout;
        Shape shape = conv1dLayout ? new Shape(in, out) : new Shape(out, in);
        weight = addParameter(Parameter.builder().setName("weight")
                .setType(Parameter.Type.WEIGHT).optShape(shape).build());
        bias = hasBias
                ? addParameter(Parameter.builder().setName("bias")
                        .setType(Parameter.Type.BIAS).optShape(new Shape(out)).build())
                : null;
    }

    /** {@code nn.Linear(in, out, bias)}: weight {@code (out, in)}. */
    public static HfLinear linear(int in, int out, boolean bias) {
        return new HfLinear(in, out, bias, false);
    }

    /** GPT-2 {@code Conv1D(nf=out, nx=in)}: weight {@code (in, out)}, with bias. */
    public static HfLinear conv1d(int in, int out) {
        return new HfLinear(in, out, true, true);
    }

    /**
     * Applies the layer.
     *
     * @param x {@code (..., in)}
     * @return {@code (..., out)}
     */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        NDArray y;
        if (conv1dLayout) {
            y = x.matMul(w); // (..., in) x (in, out)
            if (b != null) {
                y = y.add(b);
            }
        } else {
            y = b == null ? Linear.linear(x, w).singletonOrThrow() : Linear.linear(x, w, b).singletonOrThrow();
        }
        if (adapter != null) {
            y = y.add(adapter.delta(ps, x, training));
        }
        return y;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }

    /** Attaches {@code a} as this layer's adapter (replacing none; one adapter per layer). */
    public void setAdapter(LinearAdapter a) {
        if (adapter != null) {
            throw new IllegalStateException("layer already has an adapter");
        }
        adapter = a;
        addExtraChild(a.adapterName(), a);
    }

    /** Folds the adapter into the weight in place and detaches it; no-op without adapter. */
    public void mergeAdapter() {
        if (adapter == null) {
            return;
        }
        adapter.mergeInto(weight.getArray(), conv1dLayout);
        removeAdapter();
    }

    /** Detaches the adapter without merging and returns it (or null). */
    public LinearAdapter removeAdapter() {
        LinearAdapter a = adapter;
        if (a != null) {
            removeExtraChild(a.adapterName());
            adapter = null;
        }
        return a;
    }

    /** The adapter or null. */
    public LinearAdapter adapter() {
        return adapter;
    }

    /** The weight parameter (layout per {@link #conv1dLayout()}). */
    public Parameter weight() {
        return weight;
    }

    /** The bias parameter or null. */
    public Parameter bias() {
        return bias;
    }

    /** Input width. */
    public int inFeatures() {
        return in;
    }

    /** Output width. */
    public int outFeatures() {
        return out;
    }

    /** True for GPT-2 Conv1D layout {@code (in, out)} (PEFT's {@code fan_in_fan_out}). */
    public boolean conv1dLayout() {
        return conv1dLayout;
    }
}
