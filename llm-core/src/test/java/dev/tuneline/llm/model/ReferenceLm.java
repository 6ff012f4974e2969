package dev.tuneline.llm.model;

import java.util.Map;

/**
 * An independent plain-Java (double precision) forward pass of OPT and GPT-2 for one unpadded
 * sequence, written from the HuggingFace definitions, used to check the DJL blocks.
 * Weights are given by HF name with their row-major data.
 */
final class ReferenceLm {

    private final LmConfig c;
    private final Map<String, float[]> w;

    ReferenceLm(LmConfig c, Map<String, float[]> weights) {
        this.c = c;
        this.w = weights;
    }

    /** Logits {@code [T][V]} for {@code ids}. */
    double[][] logits(int[] ids) {
        return c.architecture() == LmConfig.Architecture.GPT2 ? gpt2(ids) : opt(ids);
    }

    private float[] p(String name) {
        float[] a = w.get(name);
        if (a == null) {
            throw new IllegalArgumentException("reference needs weight " + name);
        }
        return a;
    }

    // ---------------------------------------------------------------- GPT-2

    private double[][] gpt2(int[] ids) {
        int h = c.hiddenSize();
        int t = ids.length;
        double[][] x = new double[t][h];
        for (int i = 0; i < t; i++) {
            for (int d = 0; d < h; d++) {
                x[i][d] = p("transformer.wte.weight")[ids[i] * h + d] + p("transformer.wpe.weight")[i * h + d];
            }
        }
        for (int l = 0; l < c.numLayers(); l++) {
            String pre = "transformer.h." + l + ".";
            double[][] a = layerNorm(x, pre + "ln_1.");
            double[][] qkv = conv1d(a, pre + "attn.c_attn.", h, 3 * h);
            double divisor = Math.sqrt(c.headDim()) * (c.scaleAttnByInverseLayerIdx() ? l + 1 : 1);
            double[][] att = attention(qkv, 0, h, 2 * h, 1.0, divisor);
            add(x, conv1d(att, pre + "attn.c_proj.", h, h));
            double[][] m = layerNorm(x, pre + "ln_2.");
            double[][] f = conv1d(m, pre + "mlp.c_fc.", h, c.ffnDim());
            for (double[] row : f) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = activation(row[i]);
                }
            }
            add(x, conv1d(f, pre + "mlp.c_proj.", c.ffnDim(), h));
        }
        x = layerNorm(x, "transformer.ln_f.");
        return head(x, p("transformer.wte.weight"), h);
    }

    private double[][] conv1d(double[][] x, String pre, int in, int out) {
        float[] wt = p(pre + "weight"); // (in, out)
        float[] b = p(pre + "bias");
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * wt[i * out + o];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    // ---------------------------------------------------------------- OPT

    private double[][] opt(int[] ids) {
        int h = c.hiddenSize();
        int pdim = c.wordEmbedProjDim();
        int t = ids.length;
        String pre = "model.decoder.";
        double[][] e = new double[t][pdim];
        for (int i = 0; i < t; i++) {
            for (int d = 0; d < pdim; d++) {
                e[i][d] = p(pre + "embed_tokens.weight")[ids[i] * pdim + d];
            }
        }
        double[][] x = pdim != h ? linear(e, pre + "project_in.", pdim, h, false) : e;
        for (int i = 0; i < t; i++) {
            for (int d = 0; d < h; d++) {
                x[i][d] += p(pre + "embed_positions.weight")[(i + 2) * h + d];
            }
        }
        boolean bias = c.enableBias();
        for (int l = 0; l < c.numLayers(); l++) {
            String lp = pre + "layers." + l + ".";
            double[][] a = c.doLayerNormBefore() ? layerNorm(x, lp + "self_attn_layer_norm.") : copy(x);
            double[][] q = linear(a, lp + "self_attn.q_proj.", h, h, bias);
            double[][] k = linear(a, lp + "self_attn.k_proj.", h, h, bias);
            double[][] v = linear(a, lp + "self_attn.v_proj.", h, h, bias);
            double[][] qkv = new double[t][3 * h];
            for (int i = 0; i < t; i++) {
                System.arraycopy(q[i], 0, qkv[i], 0, h);
                System.arraycopy(k[i], 0, qkv[i], h, h);
                System.arraycopy(v[i], 0, qkv[i], 2 * h, h);
            }
            double[][] att = attention(qkv, 0, h, 2 * h, Math.pow(c.headDim(), -0.5), 1.0);
            add(x, linear(att, lp + "self_attn.out_proj.", h, h, bias));
            if (!c.doLayerNormBefore()) {
                x = layerNorm(x, lp + "self_attn_layer_norm.");
            }
            double[][] m = c.doLayerNormBefore() ? layerNorm(x, lp + "final_layer_norm.") : copy(x);
            double[][] f = linear(m, lp + "fc1.", h, c.ffnDim(), bias);
            for (double[] row : f) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = activation(row[i]);
                }
            }
            add(x, linear(f, lp + "fc2.", c.ffnDim(), h, bias));
            if (!c.doLayerNormBefore()) {
                x = layerNorm(x, lp + "final_layer_norm.");
            }
        }
        if (c.doLayerNormBefore() && c.finalLayerNorm()) {
            x = layerNorm(x, pre + "final_layer_norm.");
        }
        if (pdim != h) {
            x = linear(x, pre + "project_out.", h, pdim, false);
        }
        return head(x, p(pre + "embed_tokens.weight"), pdim);
    }

    private double[][] linear(double[][] x, String pre, int in, int out, boolean bias) {
        float[] wt = p(pre + "weight"); // (out, in)
        float[] b = bias ? p(pre + "bias") : null;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * wt[o * in + i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    // ---------------------------------------------------------------- shared

    /** Causal multi-head attention over packed rows [q | k | v]; q scaled by qScale, scores divided by divisor. */
    private double[][] attention(double[][] qkv, int qOff, int kOff, int vOff, double qScale, double divisor) {
        int t = qkv.length;
        int heads = c.numHeads();
        int hd = c.headDim();
        double[][] out = new double[t][heads * hd];
        for (int hh = 0; hh < heads; hh++) {
            for (int i = 0; i < t; i++) {
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int d = 0; d < hd; d++) {
                        dot += qkv[i][qOff + hh * hd + d] * qScale * qkv[j][kOff + hh * hd + d];
                    }
                    s[j] = dot / divisor;
                    max = Math.max(max, s[j]);
                }
                double z = 0;
                for (int j = 0; j <= i; j++) {
                    s[j] = Math.exp(s[j] - max);
                    z += s[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int d = 0; d < hd; d++) {
                        out[i][hh * hd + d] += s[j] / z * qkv[j][vOff + hh * hd + d];
                    }
                }
            }
        }
        return out;
    }

    private double[][] layerNorm(double[][] x, String pre) {
        float[] g = w.get(pre + "weight");
        float[] b = w.get(pre + "bias");
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            int n = x[t].length;
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= n;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= n;
            y[t] = new double[n];
            for (int i = 0; i < n; i++) {
                double norm = (x[t][i] - mean) / Math.sqrt(var + c.layerNormEps());
                y[t][i] = g == null ? norm : norm * g[i] + b[i];
            }
        }
        return y;
    }

    private double activation(double v) {
        switch (c.activation()) {
            case "relu":
                return Math.max(0, v);
            case "gelu_new":
                return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            default:
                throw new IllegalArgumentException(c.activation());
        }
    }

    private double[][] head(double[][] x, float[] emb, int dim) {
        int vocab = c.vocabSize();
        double[][] logits = new double[x.length][vocab];
        for (int t = 0; t < x.length; t++) {
            for (int v = 0; v < vocab; v++) {
                double s = 0;
                for (int d = 0; d < dim; d++) {
                    s += x[t][d] * emb[v * dim + d];
                }
                logits[t][v] = s;
            }
        }
        return logits;
    }

    private static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                x[t][i] += y[t][i];
            }
        }
    }

    private static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = x[t].clone();
        }
        return y;
    }
}
