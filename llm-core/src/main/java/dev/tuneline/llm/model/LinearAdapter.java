package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * A trainable side branch attached to an {@link HfLinear} (e.g. a LoRA adapter): its
 * {@link #delta} is added to the frozen layer's output.
 */
public abstract class LinearAdapter extends AbstractHfBlock {

    /** The child name under which the adapter's parameters are listed (PEFT: {@code ""} for lora_A/lora_B directly). */
    public abstract String adapterName();

    /**
     * The additive correction for input {@code x}.
     *
     * @param x layer input {@code (..., in)}
     * @return {@code (..., out)}
     */
    public abstract NDArray delta(ParameterStore ps, NDArray x, boolean training);

    /**
     * Folds this adapter into the base weight in place.
     *
     * @param weight the base weight in its own layout ({@code (out, in)}, or {@code (in, out)} when
     *     {@code conv1dLayout})
     */
    public abstract void mergeInto(NDArray weight, boolean conv1dLayout);
}
