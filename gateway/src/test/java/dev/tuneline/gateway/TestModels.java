package dev.tuneline.gateway;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny random GPT-2 checkpoints (the real GPT-2 tokenizer, hidden 64, 2 layers) written under the test model root,
 * and plain reference computations on them that do not go through the gateway's code: full forward passes without
 * cache, log-softmax in double precision, rewards of single unpadded rows.
 */
public final class TestModels {
    /** Model root of the test profile. */
    public static final Path ROOT = Path.of("target/test-models").toAbsolutePath().normalize();
    /** Causal LM id and directory. */
    public static final String LM = "tiny-lm";
    /** Its path under the model root. */
    public static final String LM_PATH = "imports/tiny-lm";
    /** Reward model id. */
    public static final String RM = "tiny-rm";
    /** Its path under the model root. */
    public static final String RM_PATH = "imports/tiny-rm";

    private static boolean written;

    private TestModels() {
    }

    /** The bundled GPT-2 tokenizer. */
    public static Path tokenizerDir() {
        return Path.of(System.getProperty("tuneline.shared.dir"), "data/tokenizers/gpt2-hf");
    }

    /** Writes both checkpoints (once per JVM). */
    public static synchronized void ensure() {
        if (written) {
            return;
        }
        LmConfig config = LmConfig.tinyGpt2(50257).toBuilder().optInitStd(0.5f).build();   // peaked: clear argmax gaps
        try (NDManager m = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(tokenizerDir())) {
            CausalLm lm = Checkpoints.create(config, m, 7);
            Checkpoints.save(lm, ROOT.resolve(LM_PATH));
            tok.saveTo(ROOT.resolve(LM_PATH));
            RewardModel rm = Checkpoints.createReward(config, m, 11);
            Checkpoints.save(rm, ROOT.resolve(RM_PATH));
            tok.saveTo(ROOT.resolve(RM_PATH));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        written = true;
    }

    /** Copies the tiny LM to {@code <root>/jobs/<jobId>/model}, as a worker saves a trained model. */
    public static Path writeJobModel(String jobId) {
        ensure();
        Path dir = ROOT.resolve("jobs").resolve(jobId).resolve("model");
        try {
            Files.createDirectories(dir);
            try (var files = Files.list(ROOT.resolve(LM_PATH))) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** GPT-2 token ids of {@code text}. */
    public static int[] encode(String text) {
        try (TextTokenizer tok = TextTokenizer.load(tokenizerDir())) {
            return tok.encode(text, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text of ids. */
    public static String decode(int[] ids) {
        try (TextTokenizer tok = TextTokenizer.load(tokenizerDir())) {
            return tok.decode(ids, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Greedy continuation by full recomputation each step (no cache, no batching), stopping at EOS. */
    public static int[] greedy(int[] prompt, int newTokens) {
        ensure();
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = Checkpoints.loadCausalLm(ROOT.resolve(LM_PATH), m);
            ParameterStore ps = new ParameterStore(m, false);
            int[] seq = prompt.clone();
            int[] out = new int[0];
            for (int step = 0; step < newTokens; step++) {
                double[] lp = logSoftmax(lastLogits(lm, ps, m, seq));
                int best = 0;
                for (int v = 1; v < lp.length; v++) {
                    if (lp[v] > lp[best]) {
                        best = v;
                    }
                }
                out = append(out, best);
                seq = append(seq, best);
                if (best == lm.config().eosTokenId()) {
                    break;
                }
            }
            return out;
        }
    }

    /** log P(ids[t] | ids[:t]) for t = 1 .. n-1, by one full forward pass and a double-precision log-softmax. */
    public static double[] tokenLogprobs(int[] ids) {
        ensure();
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = Checkpoints.loadCausalLm(ROOT.resolve(LM_PATH), m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray logits = lm.forward(ps, new ai.djl.ndarray.NDList(row(m, ids)), false).singletonOrThrow();
            int vocab = lm.config().vocabSize();
            float[] all = logits.toFloatArray();                                       // (1, T, V)
            double[] out = new double[ids.length - 1];
            for (int t = 0; t + 1 < ids.length; t++) {
                float[] at = java.util.Arrays.copyOfRange(all, t * vocab, (t + 1) * vocab);
                out[t] = logSoftmax(at)[ids[t + 1]];
            }
            return out;
        }
    }

    /** The most likely next token after {@code ids}. */
    public static int argmaxNext(int[] ids, int position) {
        ensure();
        try (NDManager m = NDManager.newBaseManager()) {
            CausalLm lm = Checkpoints.loadCausalLm(ROOT.resolve(LM_PATH), m);
            ParameterStore ps = new ParameterStore(m, false);
            double[] lp = logSoftmax(lastLogits(lm, ps, m, java.util.Arrays.copyOf(ids, position)));
            int best = 0;
            for (int v = 1; v < lp.length; v++) {
                if (lp[v] > lp[best]) {
                    best = v;
                }
            }
            return best;
        }
    }

    /** Reward of one unpadded row of token ids under the tiny reward model. */
    public static float reward(int[] ids) {
        ensure();
        try (NDManager m = NDManager.newBaseManager()) {
            RewardModel rm = Checkpoints.loadRewardModel(ROOT.resolve(RM_PATH), m);
            ParameterStore ps = new ParameterStore(m, false);
            return rm.rewards(ps, row(m, ids), m.ones(new Shape(1, ids.length), DataType.INT64), false).getFloat(0);
        }
    }

    private static float[] lastLogits(CausalLm lm, ParameterStore ps, NDManager m, int[] seq) {
        NDArray logits = lm.forward(ps, new ai.djl.ndarray.NDList(row(m, seq)), false).singletonOrThrow();
        int vocab = lm.config().vocabSize();
        float[] all = logits.toFloatArray();
        return java.util.Arrays.copyOfRange(all, (seq.length - 1) * vocab, seq.length * vocab);
    }

    private static NDArray row(NDManager m, int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return m.create(l, new Shape(1, ids.length));
    }

    private static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : x) {
            max = Math.max(max, f);
        }
        double sum = 0;
        for (float f : x) {
            sum += Math.exp(f - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - lse;
        }
        return out;
    }

    private static int[] append(int[] a, int v) {
        int[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }
}
