package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * AdamW as {@code torch.optim.AdamW} (decoupled weight decay, torch's bias correction, epsilon added after the
 * bias-corrected square root), over NDArrays, with state that saves and loads for exact resume.
 *
 * <p>Weight decay follows HF Trainer's grouping: no decay for biases and LayerNorm weights. Decided by name, see
 * {@link #decays(String, Shape)}. Each {@link #step(double)} reads the accumulated gradients, updates the weights in
 * place (outside autograd) and zeroes the gradients.
 */
public final class AdamW implements AutoCloseable {
    private static final Pattern NORM_SEGMENT = Pattern.compile("(?i).*(norm|^ln(_.*)?$|^ln\\d*$).*");
    private static final String STATE_FILE = "optimizer.safetensors";
    private static final String META_FILE = "optimizer.json";

    private final LinkedHashMap<String, Parameter> params;
    private final Set<String> decayed;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager state;
    private final Map<String, NDArray> expAvg = new HashMap<>();
    private final Map<String, NDArray> expAvgSq = new HashMap<>();
    private int step;

    /** An optimizer over {@code params} (name → parameter; names decide decay) with torch's hyper-parameters. */
    public AdamW(Map<String, Parameter> params, double weightDecay, double beta1, double beta2, double eps) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("AdamW: no trainable parameters");
        }
        this.params = new LinkedHashMap<>(params);
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        Set<String> d = new LinkedHashSet<>();
        for (Map.Entry<String, Parameter> e : this.params.entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalArgumentException("AdamW: parameter " + e.getKey() + " is not initialized");
            }
            if (decays(e.getKey(), e.getValue().getArray().getShape())) {
                d.add(e.getKey());
            }
        }
        decayed = Collections.unmodifiableSet(d);
        state = NDManager.newBaseManager(this.params.values().iterator().next().getArray().getDevice());
    }

    /** An optimizer with the config's weight decay, betas and epsilon. */
    public static AdamW of(Map<String, Parameter> params, TrainingConfig c) {
        return new AdamW(params, c.weightDecay(), c.adamBeta1(), c.adamBeta2(), c.adamEpsilon());
    }

    /**
     * The decay rule (HF's {@code get_decay_parameter_names}, by name since we have no module types): no decay when
     * the last name segment is {@code bias} or {@code beta}, or when any segment names a norm layer (contains
     * {@code norm}, e.g. {@code self_attn_layer_norm}, {@code final_layer_norm}, {@code LayerNorm}, or is
     * {@code ln}, {@code ln_N}, {@code ln_f}, {@code ln_1} as in GPT-2), or the last segment is {@code gamma} (DJL's
     * LayerNorm scale). Everything else decays, embeddings included, as in HF.
     */
    public static boolean decays(String name, Shape shape) {
        String[] seg = name.split("[./]");
        String last = seg[seg.length - 1];
        if (last.equals("bias") || last.endsWith("_bias") || last.equals("beta") || last.endsWith("_beta")
                || last.equals("gamma") || last.endsWith("_gamma")) {
            return false;
        }
        for (String s : seg) {
            if (NORM_SEGMENT.matcher(s).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Names of the parameters that get weight decay. */
    public Set<String> decayedParameters() {
        return decayed;
    }

    /** Optimizer steps taken (torch's {@code state['step']}). */
    public int stepCount() {
        return step;
    }

    /**
     * One update with learning rate {@code lr} from the accumulated gradients, then zeroes them. Per parameter:
     * {@code w *= 1 - lr*wd} (decayed ones); {@code m = b1*m + (1-b1)*g}; {@code v = b2*v + (1-b2)*g^2};
     * {@code w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}.
     */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        try (NDManager m = state.newSubManager()) {
            NDArray b1 = m.create((float) beta1);
            NDArray oneMinusB1 = m.create((float) (1 - beta1));
            NDArray b2 = m.create((float) beta2);
            NDArray oneMinusB2 = m.create((float) (1 - beta2));
            NDArray bc2 = m.create((float) bc2Sqrt);
            NDArray epsilon = m.create((float) eps);
            NDArray negStepSize = m.create((float) (-lr / bc1));
            NDArray decay = m.create((float) (1 - lr * weightDecay));
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                String name = e.getKey();
                NDArray w = e.getValue().getArray();
                NDArray g = Gradients.of(e.getValue(), m);
                if (weightDecay != 0 && decayed.contains(name)) {
                    w.muli(decay);
                }
                NDArray mt = expAvg.computeIfAbsent(name, k -> state.zeros(w.getShape(), w.getDataType()));
                NDArray vt = expAvgSq.computeIfAbsent(name, k -> state.zeros(w.getShape(), w.getDataType()));
                mt.muli(b1).addi(g.mul(oneMinusB1));
                vt.muli(b2).addi(g.mul(g).muli(oneMinusB2));
                NDArray denom = stepOwned(m, vt.sqrt()).divi(bc2).addi(epsilon);
                w.addi(stepOwned(m, mt.div(denom)).muli(negStepSize));
            }
        }
        zeroGradients();
    }

    /**
     * Moves {@code a} to the step's manager. An op's result belongs to its first operand's manager on this engine, so
     * {@code vt.sqrt()} or {@code mt.div(..)} would otherwise stay in the state manager until the optimizer closes:
     * two parameter-sized arrays per parameter and step.
     */
    private static NDArray stepOwned(NDManager step, NDArray a) {
        a.attach(step);
        return a;
    }

    /** Zeroes the gradients of all parameters this optimizer owns. */
    public void zeroGradients() {
        for (Parameter p : params.values()) {
            Gradients.zero(p);
        }
    }

    /** The first moment of {@code name} (null before the first step); for tests and inspection. */
    public NDArray firstMoment(String name) {
        return expAvg.get(name);
    }

    /** The second moment of {@code name} (null before the first step). */
    public NDArray secondMoment(String name) {
        return expAvgSq.get(name);
    }

    /** Writes {@code optimizer.safetensors} (exp_avg/NAME, exp_avg_sq/NAME) and {@code optimizer.json} to {@code dir}. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode meta = json.createObjectNode();
        meta.put("type", "adamw_torch");
        meta.put("step", step);
        meta.put("beta1", beta1);
        meta.put("beta2", beta2);
        meta.put("eps", eps);
        meta.put("weight_decay", weightDecay);
        ArrayNode names = meta.putArray("decayed");
        decayed.forEach(names::add);
        NDList list = new NDList();
        for (String name : params.keySet()) {
            if (expAvg.containsKey(name)) {
                NDArray a = expAvg.get(name);
                a.setName("exp_avg/" + name);
                NDArray b = expAvgSq.get(name);
                b.setName("exp_avg_sq/" + name);
                list.add(a);
                list.add(b);
            }
        }
        if (!list.isEmpty()) {
            try (OutputStream os = Files.newOutputStream(dir.resolve(STATE_FILE))) {
                list.encode(os, NDList.Encoding.SAFETENSORS);
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(META_FILE).toFile(), meta);
    }

    /** Restores the state written by {@link #save}; every parameter's moments must be present with its shape. */
    public void load(Path dir) throws IOException {
        JsonNode meta = new ObjectMapper().readTree(dir.resolve(META_FILE).toFile());
        int savedStep = meta.path("step").asInt(-1);
        if (savedStep < 0) {
            throw new IOException(dir.resolve(META_FILE) + ": no step");
        }
        expAvg.values().forEach(NDArray::close);
        expAvgSq.values().forEach(NDArray::close);
        expAvg.clear();
        expAvgSq.clear();
        step = savedStep;
        if (savedStep == 0) {
            return;
        }
        Map<String, NDArray> byName = new HashMap<>();
        try (InputStream is = Files.newInputStream(dir.resolve(STATE_FILE))) {
            for (NDArray a : NDList.decode(state, is)) {
                byName.put(a.getName(), a);
            }
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Shape shape = e.getValue().getArray().getShape();
            expAvg.put(e.getKey(), take(byName, "exp_avg/" + e.getKey(), shape, dir));
            expAvgSq.put(e.getKey(), take(byName, "exp_avg_sq/" + e.getKey(), shape, dir));
        }
        byName.values().forEach(NDArray::close);
    }

    private NDArray take(Map<String, NDArray> byName, String key, Shape shape, Path dir) throws IOException {
        NDArray a = byName.remove(key);
        if (a == null) {
            throw new IOException(dir.resolve(STATE_FILE) + ": missing optimizer state " + key);
        }
        if (!a.getShape().equals(shape)) {
            throw new IOException(dir.resolve(STATE_FILE) + ": " + key + " has shape " + a.getShape() + ", parameter has "
                    + shape);
        }
        return a;
    }

    /** Frees the optimizer state. */
    @Override
    public void close() {
        state.close();
    }
}
