package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers shared by model, generation and LoRA tests. */
public final class ModelTestUtil {
    private ModelTestUtil() {}

    /** Logits {@code [B][T * V]} of a (possibly padded) batch. */
    public static float[][] logits(AbstractHfBlock model, NDManager parent, long[][] ids, long[][] mask) {
        try (NDManager m = parent.newSubManager()) {
            int b = ids.length;
            int t = ids[0].length;
            long[] flatIds = new long[b * t];
            long[] flatMask = new long[b * t];
            for (int i = 0; i < b; i++) {
                System.arraycopy(ids[i], 0, flatIds, i * t, t);
                System.arraycopy(mask[i], 0, flatMask, i * t, t);
            }
            NDList out = model.forward(new ParameterStore(m, false),
                    new NDList(m.create(flatIds, new Shape(b, t)), m.create(flatMask, new Shape(b, t))), false);
            float[] flat = out.singletonOrThrow().toFloatArray();
            int per = flat.length / b;
            float[][] rows = new float[b][];
            for (int i = 0; i < b; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * per, (i + 1) * per);
            }
            return rows;
        }
    }

    /** Logits {@code [T * V]} of one unpadded sequence. */
    public static float[] logits(AbstractHfBlock model, NDManager parent, long[] ids) {
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(mask, 1);
        return logits(model, parent, new long[][] {ids}, new long[][] {mask})[0];
    }

    /** Every HF parameter's data by name. */
    public static Map<String, float[]> weights(Map<String, Parameter> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, p.getArray().toFloatArray()));
        return out;
    }

    /** Largest absolute difference. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    /**
     * Reads all F32 tensors of a safetensors file with a minimal parser independent of
     * {@link SafeTensors}: name -> data.
     */
    public static Map<String, float[]> readSafetensorsIndependently(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(all, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8));
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            if (!e.getValue().get("dtype").asText().equals("F32")) {
                throw new IllegalArgumentException("test reader handles F32 only: " + e.getKey());
            }
            long begin = 8 + n + e.getValue().get("data_offsets").get(0).asLong();
            long end = 8 + n + e.getValue().get("data_offsets").get(1).asLong();
            float[] f = new float[(int) ((end - begin) / 4)];
            for (int i = 0; i < f.length; i++) {
                f[i] = bb.getFloat((int) begin + 4 * i);
            }
            out.put(e.getKey(), f);
        }
        return out;
    }

    /** Flattens a reference {@code [T][V]} to float. */
    public static float[] flatten(double[][] x) {
        int per = x[0].length;
        float[] f = new float[x.length * per];
        for (int t = 0; t < x.length; t++) {
            for (int v = 0; v < per; v++) {
                f[t * per + v] = (float) x[t][v];
            }
        }
        return f;
    }

    /** A float array of NDArray. */
    public static float[] data(NDArray a) {
        return a.toFloatArray();
    }
}
