package dev.tuneline.llm.model;

import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** {@code nn.ModuleList}: children named {@code "0"}, {@code "1"}, ... iterated by the owner. */
public final class HfModuleList<T extends AbstractHfBlock> extends AbstractHfBlock {

    private final List<T> items = new ArrayList<>();

    /** Appends {@code block} under the next index. */
    public T add(T block) {
        addHfChild(String.valueOf(items.size()), block);
        items.add(block);
        return block;
    }

    /** The children in order. */
    public List<T> items() {
        return Collections.unmodifiableList(items);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("a module list is iterated by its owner");
    }
}
