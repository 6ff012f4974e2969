package dev.tuneline.llm.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.KvCache;
import dev.tuneline.llm.model.NoGrad;
import dev.tuneline.llm.model.LmConfig;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Text generation over a {@link CausalLm}: greedy, sampling (temperature, top-k, top-p, seed),
 * repetition penalty, beam search, EOS and stop strings, KV cache, left-padded batches, per-token
 * and prompt log-probabilities.
 *
 * <p>Each call works in its own sub-manager (one per request, one per decoding step inside it), so
 * native memory returns to its level after every call. Rows that finish leave the batch (their
 * cache rows are dropped). Thread-safe for concurrent calls on the same model in inference mode.
 */
public final class Generator {

    private final CausalLm model;
    private final NDManager manager;
    private final ParameterStore ps;
    private final int vocab;

    /** A generator for {@code model}; request memory is taken from sub-managers of {@code manager}. */
    public Generator(CausalLm model, NDManager manager) {
        this.model = model;
        this.manager = manager;
        this.ps = new ParameterStore(manager, false);
        this.vocab = model.config().vocabSize();
    }

    /** Generates one continuation for one prompt. */
    public Generation generate(int[] prompt, GenerationConfig cfg) {
        return generate(List.of(prompt), cfg).get(0);
    }

    /** Generates one continuation per prompt, batched with left padding; results in prompt order. */
    public List<Generation> generate(List<int[]> prompts, GenerationConfig cfg) {
        return generate(prompts, cfg, TokenListener.NONE);
    }

    /**
     * Generates one continuation per prompt, batched with left padding, reporting each new token to {@code listener}
     * as it is chosen (which may also stop a row early); results in prompt order.
     */
    public List<Generation> generate(List<int[]> prompts, GenerationConfig cfg, TokenListener listener) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        LmConfig c = model.config();
        for (int i = 0; i < prompts.size(); i++) {
            int[] p = prompts.get(i);
            if (p == null || p.length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty");
            }
            if (p.length > c.maxPositions()) {
                throw new IllegalArgumentException("prompt " + i + " has " + p.length
                        + " tokens, over the model's " + c.maxPositions() + " positions");
            }
            for (int t = 0; t < p.length; t++) {
                if (p[t] < 0 || p[t] >= vocab) {
                    throw new IllegalArgumentException("prompt " + i + " token " + t + " = " + p[t]
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
        }
        int eos = cfg.eosTokenId() != null ? cfg.eosTokenId() : c.eosTokenId();
        int pad = cfg.padTokenId() != null ? cfg.padTokenId()
                : c.padTokenId() >= 0 ? c.padTokenId() : Math.max(eos, 0);
        // torch's grad mode is per thread: without this, every step could record an autograd graph through
        // trainable parameters
        try (NoGrad off = NoGrad.enter()) {
            return cfg.numBeams() > 1
                    ? beamSearch(prompts, cfg, eos, pad, listener)
                    : sampleOrGreedy(prompts, cfg, eos, pad, listener);
        }
    }

    // ------------------------------------------------------------------ greedy / sampling

    private List<Generation> sampleOrGreedy(List<int[]> prompts, GenerationConfig cfg, int eos, int pad,
            TokenListener listener) {
        int n = prompts.size();
        long seed = cfg.seed() != null ? cfg.seed() : new SecureRandom().nextLong();
        Row[] rows = new Row[n];
        int maxBudget = 0;
        for (int i = 0; i < n; i++) {
            rows[i] = new Row(prompts.get(i), budget(prompts.get(i).length, cfg), new SplittableRandom(seed));
            maxBudget = Math.max(maxBudget, rows[i].budget);
        }
        try (DecodeBatch batch = new DecodeBatch(prompts, pad, maxBudget, cfg.useCache())) {
            float[] logits = batch.prefill(cfg.promptLogprobs() ? rows : null);
            List<Integer> active = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                active.add(i);
            }
            while (true) {
                List<Integer> still = new ArrayList<>();
                int[] keep = new int[active.size()];
                int[] next = new int[active.size()];
                for (int a = 0; a < active.size(); a++) {
                    Row r = rows[active.get(a)];
                    if (r.count >= r.budget) {
                        listener.onFinished(active.get(a), r.finish(Generation.LENGTH, cfg));
                        continue;
                    }
                    int off = a * vocab;
                    double lse = LogitsOps.logSumExp(logits, off, vocab);
                    float[] scores = Arrays.copyOfRange(logits, off, off + vocab);
                    LogitsOps.repetitionPenalty(scores, r.seen(), r.prompt.length + r.count, cfg.repetitionPenalty());
                    int tok = cfg.doSample()
                            ? LogitsOps.sample(scores, cfg.temperature(), cfg.topK(), cfg.topP(), r.rnd)
                            : LogitsOps.argmax(scores);
                    float lp = (float) (logits[off + tok] - lse);
                    r.add(tok, lp);
                    boolean wanted = listener.onToken(active.get(a), tok, lp);
                    String finish = tok == eos || matchesStop(r, cfg) ? Generation.STOP
                            : !wanted ? Generation.CANCELLED
                            : r.count >= r.budget ? Generation.LENGTH
                            : null;
                    if (finish != null) {
                        listener.onFinished(active.get(a), r.finish(finish, cfg));
                    } else {
                        keep[still.size()] = a;
                        next[still.size()] = tok;
                        still.add(active.get(a));
                    }
                }
                if (still.isEmpty()) {
                    break;
                }
                if (still.size() < active.size()) {
                    batch.select(Arrays.copyOf(keep, still.size()));
                }
                active = still;
                logits = batch.step(Arrays.copyOf(next, still.size()));
            }
        }
        List<Generation> out = new ArrayList<>(n);
        for (Row r : rows) {
            out.add(r.result != null ? r.result : r.finish(Generation.LENGTH, cfg));
        }
        return out;
    }

    private static boolean matchesStop(Row r, GenerationConfig cfg) {
        if (cfg.stopStrings().isEmpty()) {
            return false;
        }
        String text = cfg.decoder().apply(Arrays.copyOf(r.tokens, r.count));
        for (String s : cfg.stopStrings()) {
            if (!s.isEmpty() && text.contains(s)) {
                return true;
            }
        }
        return false;
    }

    private int budget(int promptLength, GenerationConfig cfg) {
        return Math.max(0, Math.min(cfg.budgetFor(promptLength), model.config().maxPositions() - promptLength));
    }

    // ------------------------------------------------------------------ beam search

    private List<Generation> beamSearch(List<int[]> prompts, GenerationConfig cfg, int eos, int pad,
            TokenListener listener) {
        int n = prompts.size();
        int k = cfg.numBeams();
        Row[] meta = new Row[n];
        BeamState[] states = new BeamState[n];
        int maxBudget = 0;
        for (int i = 0; i < n; i++) {
            meta[i] = new Row(prompts.get(i), budget(prompts.get(i).length, cfg), null);
            states[i] = new BeamState(k, cfg.lengthPenalty());
            maxBudget = Math.max(maxBudget, meta[i].budget);
        }
        try (DecodeBatch batch = new DecodeBatch(prompts, pad, maxBudget, cfg.useCache())) {
            float[] prefill = batch.prefill(cfg.promptLogprobs() ? meta : null);
            List<Integer> active = new ArrayList<>();
            int[] expand = new int[n * k];
            for (int i = 0; i < n; i++) {
                if (meta[i].budget == 0) {
                    states[i].done = true;
                    continue;
                }
                active.add(i);
                for (int b = 0; b < k; b++) {
                    expand[active.size() * k - k + b] = i;
                    states[i].beams.add(new Beam(meta[i].prompt, maxBudget, b == 0 ? 0 : -1e9));
                }
            }
            if (active.isEmpty()) {
                return finishBeams(meta, states, cfg, listener);
            }
            // every beam of a prompt starts from the prompt's prefill row
            float[] logits = new float[active.size() * k * vocab];
            for (int a = 0; a < active.size(); a++) {
                int p = active.get(a);
                for (int b = 0; b < k; b++) {
                    System.arraycopy(prefill, p * vocab, logits, (a * k + b) * vocab, vocab);
                }
            }
            batch.select(Arrays.copyOf(expand, active.size() * k));
            while (true) {
                List<Integer> still = new ArrayList<>();
                List<Integer> sourceRows = new ArrayList<>();
                List<Integer> nextTokens = new ArrayList<>();
                for (int a = 0; a < active.size(); a++) {
                    int p = active.get(a);
                    int[] src = states[p].advance(logits, a * k, vocab, eos, cfg.repetitionPenalty(), meta[p].budget);
                    if (!states[p].done) {
                        still.add(p);
                        for (int b = 0; b < k; b++) {
                            sourceRows.add(a * k + src[b]);
                            nextTokens.add(states[p].beams.get(b).last());
                        }
                    }
                }
                if (still.isEmpty()) {
                    break;
                }
                batch.select(sourceRows.stream().mapToInt(Integer::intValue).toArray());
                active = still;
                logits = batch.step(nextTokens.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        return finishBeams(meta, states, cfg, listener);
    }

    private static List<Generation> finishBeams(Row[] meta, BeamState[] states, GenerationConfig cfg,
            TokenListener listener) {
        List<Generation> out = new ArrayList<>(meta.length);
        for (int i = 0; i < meta.length; i++) {
            Hyp best = states[i].best();
            float[] prompt = cfg.promptLogprobs() ? meta[i].promptLogprobs : null;
            if (best == null) {
                out.add(new Generation(new int[0], cfg.returnLogprobs() ? new float[0] : null, prompt, Generation.LENGTH));
            } else {
                out.add(new Generation(best.tokens, cfg.returnLogprobs() ? best.logprobs : null, prompt,
                        best.eos ? Generation.STOP : Generation.LENGTH));
                for (int t = 0; t < best.tokens.length; t++) {
                    listener.onToken(i, best.tokens[t], best.logprobs[t]);
                }
            }
            listener.onFinished(i, out.get(i));
        }
        return out;
    }

    /** A running beam: generated tokens, their raw log-probs and the processed score sum. */
    private static final class Beam {
        final int[] prompt;
        final int[] tokens;
        final float[] logprobs;
        int count;
        double score;

        Beam(int[] prompt, int capacity, double score) {
            this.prompt = prompt;
            this.tokens = new int[capacity];
            this.logprobs = new float[capacity];
            this.score = score;
        }

        Beam extend(int tok, float logprob, double newScore) {
            Beam b = new Beam(prompt, tokens.length, newScore);
            System.arraycopy(tokens, 0, b.tokens, 0, count);
            System.arraycopy(logprobs, 0, b.logprobs, 0, count);
            b.count = count;
            b.tokens[b.count] = tok;
            b.logprobs[b.count] = logprob;
            b.count++;
            return b;
        }

        int last() {
            return tokens[count - 1];
        }

        int[] seen() {
            int[] all = Arrays.copyOf(prompt, prompt.length + count);
            System.arraycopy(tokens, 0, all, prompt.length, count);
            return all;
        }
    }

    /** A finished hypothesis with its length-normalised score. */
    private static final class Hyp {
        final int[] tokens;
        final float[] logprobs;
        final double score;
        final boolean eos;

        Hyp(int[] tokens, float[] logprobs, double score, boolean eos) {
            this.tokens = tokens;
            this.logprobs = logprobs;
            this.score = score;
            this.eos = eos;
        }
    }

    /** HF's {@code BeamHypotheses} plus the running beams of one prompt. */
    private static final class BeamState {
        final int k;
        final float lengthPenalty;
        List<Beam> beams = new ArrayList<>();
        final List<Hyp> hyps = new ArrayList<>();
        boolean done;

        BeamState(int k, float lengthPenalty) {
            this.k = k;
            this.lengthPenalty = lengthPenalty;
        }

        double normalise(double sum, int length) {
            return sum / Math.pow(length, lengthPenalty);
        }

        void addHyp(Beam b, boolean eos) {
            double s = normalise(b.score, b.count);
            if (hyps.size() < k || s > worst()) {
                hyps.add(new Hyp(Arrays.copyOf(b.tokens, b.count), Arrays.copyOf(b.logprobs, b.count), s, eos));
                if (hyps.size() > k) {
                    hyps.remove(hyps.stream().min(Comparator.comparingDouble(h -> h.score)).orElseThrow());
                }
            }
        }

        double worst() {
            return hyps.stream().mapToDouble(h -> h.score).min().orElse(Double.NEGATIVE_INFINITY);
        }

        Hyp best() {
            return hyps.stream().max(Comparator.comparingDouble(h -> h.score)).orElse(null);
        }

        /**
         * One beam step from the rows {@code [base, base + k)} of {@code logits}; returns, for each new
         * beam, the index of the beam it extends.
         */
        int[] advance(float[] logits, int base, int vocab, int eos, float penalty, int budget) {
            // candidates: beam score + processed log-prob; keep the best 2k in a min-heap
            PriorityQueue<double[]> heap = new PriorityQueue<>(Comparator.comparingDouble(c -> c[0]));
            float[][] raw = new float[k][];
            for (int b = 0; b < k; b++) {
                int off = (base + b) * vocab;
                double lse = LogitsOps.logSumExp(logits, off, vocab);
                float[] lp = new float[vocab];
                for (int v = 0; v < vocab; v++) {
                    lp[v] = (float) (logits[off + v] - lse);
                }
                raw[b] = lp;
                float[] processed = lp.clone();
                Beam beam = beams.get(b);
                LogitsOps.repetitionPenalty(processed, beam.seen(), beam.prompt.length + beam.count, penalty);
                for (int v = 0; v < vocab; v++) {
                    double s = beam.score + processed[v];
                    if (heap.size() < 2 * k) {
                        heap.add(new double[] {s, b, v});
                    } else if (s > heap.peek()[0]) {
                        heap.poll();
                        heap.add(new double[] {s, b, v});
                    }
                }
            }
            List<double[]> cands = new ArrayList<>(heap);
            cands.sort((x, y) -> Double.compare(y[0], x[0]));
            List<Beam> next = new ArrayList<>(k);
            int[] source = new int[k];
            for (int rank = 0; rank < cands.size() && next.size() < k; rank++) {
                double[] cnd = cands.get(rank);
                int b = (int) cnd[1];
                int v = (int) cnd[2];
                Beam extended = beams.get(b).extend(v, raw[b][v], cnd[0]);
                if (v == eos) {
                    if (rank < k) {
                        addHyp(extended, true);
                    }
                    continue;
                }
                source[next.size()] = b;
                next.add(extended);
            }
            beams = next;
            int length = next.get(0).count;
            if (length >= budget) {
                for (Beam b : next) {
                    addHyp(b, false);
                }
                done = true;
            } else if (hyps.size() >= k && worst() >= normalise(next.get(0).score, length)) {
                done = true; // early_stopping=false heuristic: no running beam can beat the worst kept one
            }
            return source;
        }
    }

    // ------------------------------------------------------------------ rows and batches

    /** Per-prompt decoding state of greedy/sampling (and prompt log-probs for every mode). */
    private static final class Row {
        final int[] prompt;
        final int budget;
        final SplittableRandom rnd;
        final int[] tokens;
        final float[] logprobs;
        float[] promptLogprobs;
        int count;
        Generation result;

        Row(int[] prompt, int budget, SplittableRandom rnd) {
            this.prompt = prompt;
            this.budget = budget;
            this.rnd = rnd;
            this.tokens = new int[budget];
            this.logprobs = new float[budget];
        }

        void add(int tok, float logprob) {
            tokens[count] = tok;
            logprobs[count] = logprob;
            count++;
        }

        int[] seen() {
            int[] all = Arrays.copyOf(prompt, prompt.length + count);
            System.arraycopy(tokens, 0, all, prompt.length, count);
            return all;
        }

        /** Ends the row with {@code reason}; its result, built once. */
        Generation finish(String reason, GenerationConfig cfg) {
            result = new Generation(Arrays.copyOf(tokens, count),
                    cfg.returnLogprobs() ? Arrays.copyOf(logprobs, count) : null,
                    cfg.promptLogprobs() ? promptLogprobs : null, reason);
            return result;
        }
    }

    /**
     * The rows being decoded: left-padded token/mask columns kept in Java, the KV cache, and one
     * sub-manager per request and per step.
     */
    private final class DecodeBatch implements AutoCloseable {
        private final NDManager request;
        private final KvCache cache;
        private final int promptWidth;
        private long[][] ids;
        private long[][] mask;
        private int cols;

        DecodeBatch(List<int[]> prompts, int pad, int maxBudget, boolean useCache) {
            request = manager.newSubManager();
            cache = useCache ? model.newCache(request) : null;
            promptWidth = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
            int capacity = promptWidth + maxBudget;
            ids = new long[prompts.size()][capacity];
            mask = new long[prompts.size()][capacity];
            for (int r = 0; r < prompts.size(); r++) {
                int[] p = prompts.get(r);
                int offset = promptWidth - p.length;
                Arrays.fill(ids[r], 0, offset, pad);
                for (int t = 0; t < p.length; t++) {
                    ids[r][offset + t] = p[t];
                    mask[r][offset + t] = 1;
                }
            }
            cols = promptWidth;
        }

        /** Runs the prompts; fills prompt log-probs of {@code rows} when given; returns last-position logits (R * V). */
        float[] prefill(Row[] rows) {
            try (NDManager step = request.newSubManager()) {
                NDArray idArr = columns(step, ids, 0, cols);
                NDArray maskArr = columns(step, mask, 0, cols);
                NDArray hidden = model.hiddenStates(ps, idArr, maskArr, cache, false);     // (R, T, P)
                if (rows == null) {
                    NDArray last = hidden.get(new NDIndex().addAllDim().addSliceDim(cols - 1, cols));
                    return model.logits(ps, last, false).toFloatArray();                  // (R, 1, V)
                }
                NDArray logits = model.logits(ps, hidden, false);                         // (R, T, V)
                fillPromptLogprobs(rows, idArr, logits);
                return logits.get(new NDIndex().addAllDim().addIndices(cols - 1)).toFloatArray();
            }
        }

        private void fillPromptLogprobs(Row[] rows, NDArray idArr, NDArray logits) {
            int t = cols;
            float[] picked = new float[0];
            if (t > 1) {
                NDArray lsm = logits.get(new NDIndex().addAllDim().addSliceDim(0, t - 1)).logSoftmax(-1);
                NDArray target = idArr.get(new NDIndex().addAllDim().addSliceDim(1, t)).expandDims(2);
                picked = lsm.gather(target, 2).toFloatArray();                              // (R, T-1)
            }
            for (int r = 0; r < rows.length; r++) {
                int len = rows[r].prompt.length;
                int offset = t - len;
                float[] lp = new float[len];
                lp[0] = Float.NaN;
                for (int j = 1; j < len; j++) {
                    lp[j] = picked[r * (t - 1) + offset + j - 1];
                }
                rows[r].promptLogprobs = lp;
            }
        }

        /** Keeps rows {@code keep} (in that order; repeats allowed) of the batch and cache. */
        void select(int[] keep) {
            long[][] newIds = new long[keep.length][];
            long[][] newMask = new long[keep.length][];
            long[] index = new long[keep.length];
            for (int i = 0; i < keep.length; i++) {
                newIds[i] = ids[keep[i]].clone();
                newMask[i] = mask[keep[i]].clone();
                index[i] = keep[i];
            }
            ids = newIds;
            mask = newMask;
            if (cache != null) {
                cache.selectRows(index);
            }
        }

        /** Appends one token per row and returns the next last-position logits (R * V). */
        float[] step(int[] tokens) {
            for (int r = 0; r < tokens.length; r++) {
                ids[r][cols] = tokens[r];
                mask[r][cols] = 1;
            }
            cols++;
            try (NDManager step = request.newSubManager()) {
                NDArray maskArr = columns(step, mask, 0, cols);
                NDArray idArr = cache != null ? columns(step, ids, cols - 1, cols) : columns(step, ids, 0, cols);
                NDArray hidden = model.hiddenStates(ps, idArr, maskArr, cache, false);
                long t = hidden.getShape().get(1);
                NDArray last = hidden.get(new NDIndex().addAllDim().addSliceDim(t - 1, t));
                return model.logits(ps, last, false).toFloatArray();
            }
        }

        private NDArray columns(NDManager m, long[][] rows, int from, int to) {
            int w = to - from;
            long[] flat = new long[rows.length * w];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], from, flat, r * w, w);
            }
            return m.create(flat, new Shape(rows.length, w));
        }

        @Override
        public void close() {
            if (cache != null) {
                cache.close();
            }
            request.close();
        }
    }
}
