package dev.tuneline.llm.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of Tuneline's model blocks: children are registered under their HuggingFace module names and
 * parameters under their HuggingFace leaf names, so a model can list its {@code state_dict} names.
 *
 * <p>Adapters ({@link LinearAdapter}) are children too but are listed only by
 * {@link #collectAllParameters}, not by {@link #collectHfParameters}.
 */
public abstract class AbstractHfBlock extends AbstractBlock {

    private final LinkedHashMap<String, AbstractHfBlock> hfChildren = new LinkedHashMap<>();
    private final LinkedHashMap<String, AbstractHfBlock> extraChildren = new LinkedHashMap<>();

    /** Registers {@code block} as the child module {@code hfName} (e.g. {@code "self_attn"}, {@code "0"}). */
    protected final <B extends AbstractHfBlock> B addHfChild(String hfName, B block) {
        addChildBlock(hfName, block);
        hfChildren.put(hfName, block);
        return block;
    }

    /** Registers a non-HF child (an adapter) under {@code name}; its parameters are not HF parameters. */
    protected final <B extends AbstractHfBlock> B addExtraChild(String name, B block) {
        addChildBlock(name, block);
        extraChildren.put(name, block);
        return block;
    }

    /** Removes a child added with {@link #addExtraChild}. */
    protected final void removeExtraChild(String name) {
        AbstractHfBlock block = extraChildren.remove(name);
        if (block == null) {
            return;
        }
        for (int i = 0; i < children.size(); i++) {
            if (children.valueAt(i) == block) {
                children.remove(i);
                return;
            }
        }
    }

    /** Adds this block's HF parameters as {@code prefix + name} (base weights only, no adapters). */
    public void collectHfParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        hfChildren.forEach((name, child) -> child.collectHfParameters(join(prefix, name), out));
    }

    /** Like {@link #collectHfParameters} but including adapter parameters (e.g. {@code q_proj.lora_A.weight}). */
    public void collectAllParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        hfChildren.forEach((name, child) -> child.collectAllParameters(join(prefix, name), out));
        extraChildren.forEach((name, child) -> child.collectAllParameters(join(prefix, name), out));
    }

    /** {@code prefix + name + "."}, or {@code prefix} for a child registered under the empty name. */
    private static String join(String prefix, String name) {
        return name.isEmpty() ? prefix : prefix + name + ".";
    }

    /** Adds every HF module below (and including) this one as {@code path -> block}. */
    public void collectModules(String path, Map<String, AbstractHfBlock> out) {
        out.put(path, this);
        hfChildren.forEach((name, child) -> {
            String childPath = name.isEmpty() ? path : path.isEmpty() ? name : path + "." + name;
            child.collectModules(childPath, out);
        });
    }

    /** Initialises every child with the same input shapes (children do not depend on them). */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : children.values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    /**
     * The HF {@code state_dict} names below this block (e.g. {@code model.decoder.layers.0.fc1.weight});
     * adapters are not listed.
     */
    public LinkedHashMap<String, Parameter> hfParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collectHfParameters("", out);
        return out;
    }

    /** Every parameter including adapters, e.g. {@code model.decoder.layers.0.self_attn.q_proj.lora_A.weight}. */
    public LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collectAllParameters("", out);
        return out;
    }

    /** Number of base (HF) parameters, from shapes without allocating. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : hfParameters().values()) {
            n += p.getShape().size();
        }
        return n;
    }

    /** Bytes of every initialised parameter array (adapters included), at their data types. */
    public long parameterBytes() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            if (p.isInitialized()) {
                n += p.getArray().size() * p.getArray().getDataType().getNumOfBytes();
            }
        }
        return n;
    }

    /** Shape-preserving by default ({@code (B, T, H)} in and out); blocks that change shapes override. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
