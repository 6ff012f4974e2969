package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@code nn.LayerNorm(dim, eps, elementwise_affine)} over the last axis. */
public final class HfLayerNorm extends AbstractHfBlock {

    private final int dim;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /** A layer norm over the last axis of width {@code dim}. */
    public HfLayerNorm(int dim, float eps, boolean affine) {
        this.dim = dim;
        this.eps = eps;
        if (affine) {
            weight = addParameter(Parameter.builder().setName("weight")
                    .setType(Parameter.Type.GAMMA).optShape(new Shape(dim)).build());
            bias = addParameter(Parameter.builder().setName("bias")
                    .setType(Parameter.Type.BETA).optShape(new Shape(dim)).build());
        } else {
            weight = null;
            bias = null;
        }
    }

    /**
     * Normalises {@code x}.
     *
     * @param x {@code (..., dim)}
     * @return {@code (..., dim)}
     */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray g;
        NDArray b;
        if (weight != null) {
            g = ps.getValue(weight, x.getDevice(), training);
            b = ps.getValue(bias, x.getDevice(), training);
        } else {
            NDManager m = x.getManager();
            g = m.ones(new Shape(dim), x.getDataType());
            b = m.zeros(new Shape(dim), x.getDataType());
        }
        return LayerNorm.layerNorm(x, new Shape(dim), g, b, eps).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }
}
