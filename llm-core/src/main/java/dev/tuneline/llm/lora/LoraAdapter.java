package dev.tuneline.llm.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tuneline.llm.model.LinearAdapter;

/**
 * The LoRA branch of one layer: {@code delta(x) = lora_B(lora_A(dropout(x))) * alpha / r}, with
 * {@code lora_A.weight (r, in)} and {@code lora_B.weight (out, r)} as in PEFT.
 */
public final class LoraAdapter extends LinearAdapter {

    private final int in;
    private final int out;
    private final LoraConfig config;
    private final Parameter loraA;
    private final Parameter loraB;

    /** An adapter for a layer {@code in -> out}. */
    public LoraAdapter(int in, int out, LoraConfig config) {
        this.in = in;
        this.out = out;
        this.config = config;
        loraA = addParameter(Parameter.builder().setName("lora_A.weight")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(config.r(), in)).build());
        loraB = addParameter(Parameter.builder().setName("lora_B.weight")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(out, config.r())).build());
    }

    @Override
    public String adapterName() {
        return "";
    }

    @Override
    public NDArray delta(ParameterStore ps, NDArray x, boolean training) {
        NDArray a = ps.getValue(loraA, x.getDevice(), training);
        NDArray b = ps.getValue(loraB, x.getDevice(), training);
        NDArray xd = training && config.dropout() > 0
                ? Dropout.dropout(x, config.dropout(), true).singletonOrThrow()
                : x;
        NDArray low = Linear.linear(xd, a).singletonOrThrow();                 // (..., r)
        NDArray up = Linear.linear(low, b).singletonOrThrow();                 // (..., out)
        return up.mul(x.getManager().create(config.scaling()));
    }

    @Override
    public void mergeInto(NDArray weight, boolean conv1dLayout) {
        NDArray a = loraA.getArray();
        NDArray b = loraB.getArray();
        try (NDArray ba = b.matMul(a);                                          // (out, in)
                NDArray scale = ba.getManager().create(config.scaling());
                NDArray delta = ba.mul(scale);
                NDArray oriented = conv1dLayout ? delta.transpose() : delta.duplicate()) {
            weight.addi(oriented);
        }
    }

    /** {@code lora_A.weight (r, in)}. */
    public Parameter loraA() {
        return loraA;
    }

    /** {@code lora_B.weight (out, r)}. */
    public Parameter loraB() {
        return loraB;
    }

    /** The adapter's hyper-parameters. */
    public LoraConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(delta(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }

    /** Input width. */
    public int inFeatures() {
        return in;
    }
}
