package dev.tuneline.gateway.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tuneline.llm.generate.Generator;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * A model in memory with its tokenizer: a causal LM (with its {@link Generator}) or a reward model. Owns a
 * sub-manager of the engine's manager; {@link #close()} frees the weights and the native tokenizer. Used by the
 * inference worker thread only.
 */
public final class LoadedModel implements AutoCloseable {
    /** Positions whose logits are computed at once in {@link #tokenLogprobs} (bounds its memory). */
    static final int LOGIT_CHUNK = 128;

    private final ModelInfo info;
    private final NDManager manager;
    private final TextTokenizer tokenizer;
    private final CausalLm lm;
    private final RewardModel reward;
    private final Generator generator;
    private final ParameterStore ps;
    private final int padId;
    private final long bytes;

    private LoadedModel(ModelInfo info, NDManager manager, TextTokenizer tokenizer, CausalLm lm, RewardModel reward) {
        this.info = info;
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.lm = lm;
        this.reward = reward;
        this.generator = lm == null ? null : new Generator(lm, manager);
        this.ps = new ParameterStore(manager, false);
        LmConfig c = config();
        this.padId = tokenizer.padId().orElse(c.padTokenId() >= 0 ? c.padTokenId() : Math.max(c.eosTokenId(), 0));
        this.bytes = (lm != null ? lm : reward).parameterBytes();
    }

    /** Bytes of its weights in memory. */
    public long bytes() {
        return bytes;
    }

    /** Loads the checkpoint and tokenizer of {@code info} under a sub-manager of {@code parent}. */
    public static LoadedModel load(ModelInfo info, NDManager parent) {
        if (!Files.isRegularFile(info.dir().resolve("config.json"))) {
            throw new ModelUnavailableException("model '" + info.id() + "' has no config.json in its directory yet");
        }
        NDManager m = parent.newSubManager();
        TextTokenizer tok = null;
        try {
            tok = TextTokenizer.load(info.tokenizerDir());
            if (info.kind() == ModelKind.REWARD) {
                return new LoadedModel(info, m, tok, null, Checkpoints.loadRewardModel(info.dir(), m));
            }
            return new LoadedModel(info, m, tok, Checkpoints.loadCausalLm(info.dir(), m), null);
        } catch (IOException | RuntimeException e) {
            if (tok != null) {
                tok.close();
            }
            m.close();
            throw new ModelUnavailableException("model '" + info.id() + "' could not be loaded: " + e.getMessage(), e);
        }
    }

    /** Registry entry it was loaded from. */
    public ModelInfo info() {
        return info;
    }

    /** Its tokenizer. */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** The generator (causal LMs only). */
    public Generator generator() {
        if (generator == null) {
            throw new IllegalArgumentException("model '" + info.id() + "' is a reward model: use /v1/score or /v1/compare");
        }
        return generator;
    }

    /** Architecture hyper-parameters. */
    public LmConfig config() {
        return lm != null ? lm.config() : reward.config();
    }

    /** Id used to pad batches. */
    public int padId() {
        return padId;
    }

    /** Text of ids with special tokens skipped; ids the tokenizer does not know (embedding rows past its vocabulary) are dropped. */
    public String decode(int[] ids) {
        int n = 0;
        int[] known = new int[ids.length];
        for (int id : ids) {
            if (id >= 0 && id < tokenizer.vocabSize()) {
                known[n++] = id;
            }
        }
        return tokenizer.decode(n == ids.length ? ids : java.util.Arrays.copyOf(known, n), true);
    }

    /** Text of one token as the model sees it (special tokens kept); {@code <id N>} outside the vocabulary. */
    public String tokenText(int id) {
        if (id < 0 || id >= tokenizer.vocabSize()) {
            return "<id " + id + ">";
        }
        return tokenizer.decode(new int[] {id}, false);
    }

    /**
     * Log-probabilities of {@code ids[from..]} given their prefixes under the raw model, with the {@code k} most
     * likely alternatives at each of those positions (teacher forcing, one forward pass).
     *
     * @param from first position scored, at least 1
     * @return one entry per position {@code from..ids.length-1}
     */
    public List<TokenScore> tokenLogprobs(int[] ids, int from, int k) {
        if (from < 1 || from > ids.length) {
            throw new IllegalArgumentException("from must be in [1, " + ids.length + "], got " + from);
        }
        List<TokenScore> out = new ArrayList<>(ids.length - from);
        if (from == ids.length) {
            return out;
        }
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        try (NDManager sub = manager.newSubManager()) {
            NDArray idArr = sub.create(longs, new Shape(1, ids.length));
            NDArray mask = sub.ones(new Shape(1, ids.length), DataType.INT64);
            NDArray hidden = lm.hiddenStates(ps, idArr, mask, false);                   // (1, T, P)
            for (int a = from - 1; a < ids.length - 1; a += LOGIT_CHUNK) {
                int b = Math.min(ids.length - 1, a + LOGIT_CHUNK);
                try (NDManager chunk = sub.newSubManager()) {
                    NDArray h = hidden.get(new NDIndex().addAllDim().addSliceDim(a, b));  // (1, n, P)
                    h.attach(chunk);
                    NDArray lsm = lm.logits(ps, h, false).logSoftmax(-1);                // (1, n, V)
                    NDArray target = idArr.get(new NDIndex().addAllDim().addSliceDim(a + 1, b + 1)).expandDims(2);
                    target.attach(chunk);
                    float[] chosen = lsm.gather(target, 2).toFloatArray();               // (1, n, 1)
                    float[] topValues = null;
                    long[] topIds = null;
                    if (k > 0) {
                        NDList top = lsm.topK(k, -1, true, true);                        // (1, n, k) each
                        topValues = top.get(0).toFloatArray();
                        topIds = top.get(1).toType(DataType.INT64, false).toLongArray();
                    }
                    for (int j = 0; j < b - a; j++) {
                        int[] alt = new int[Math.max(k, 0)];
                        float[] altLp = new float[Math.max(k, 0)];
                        for (int q = 0; q < k; q++) {
                            alt[q] = (int) topIds[j * k + q];
                            altLp[q] = topValues[j * k + q];
                        }
                        out.add(new TokenScore(ids[a + 1 + j], chosen[j], alt, altLp));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Rewards of token sequences (one forward pass, right-padded; the reward is read at each row's last token).
     */
    public float[] rewards(List<int[]> rows) {
        if (reward == null) {
            throw new IllegalArgumentException("model '" + info.id() + "' is a causal LM, not a reward model: use "
                    + "/v1/generate or /v1/completions");
        }
        int width = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        long[] ids = new long[rows.size() * width];
        long[] mask = new long[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            int[] row = rows.get(r);
            for (int t = 0; t < width; t++) {
                ids[r * width + t] = t < row.length ? row[t] : padId;
                mask[r * width + t] = t < row.length ? 1 : 0;
            }
        }
        try (NDManager sub = manager.newSubManager()) {
            NDArray idArr = sub.create(ids, new Shape(rows.size(), width));
            NDArray maskArr = sub.create(mask, new Shape(rows.size(), width));
            return reward.rewards(ps, idArr, maskArr, false).toFloatArray();             // (B)
        }
    }

    /** Frees the weights and the native tokenizer. */
    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }

    /**
     * One scored position: the actual token's log-probability and the top alternatives (most likely first).
     *
     * @param id the token at this position
     * @param logprob log P(id | prefix)
     * @param topIds the k most likely ids
     * @param topLogprobs their log-probabilities
     */
    public record TokenScore(int id, float logprob, int[] topIds, float[] topLogprobs) {
    }
}
