package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@code nn.Embedding(rows, dim)}: a lookup table {@code weight (rows, dim)}. */
public final class HfEmbedding extends AbstractHfBlock {

    private final int rows;
    private final int dim;
    private final Parameter weight;

    /** A table of {@code rows} vectors of width {@code dim}. */
    public HfEmbedding(int rows, int dim) {
        this.rows = rows;
        this.dim = dim;
        weight = addParameter(Parameter.builder().setName("weight")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(rows, dim)).build());
    }

    /**
     * Looks up rows.
     *
     * @param ids int64 {@code (B, T)}
     * @return {@code (B, T, dim)}
     */
    public NDArray apply(ParameterStore ps, NDArray ids, boolean training) {
        NDArray w = ps.getValue(weight, ids.getDevice(), training);
        return Embedding.embedding(ids, w, SparseFormat.DENSE).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dim)};
    }

    /** The table parameter. */
    public Parameter weight() {
        return weight;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }
}
