package dev.tuneline.llm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.train.BatchSource;
import dev.tuneline.llm.train.SchedulerType;
import dev.tuneline.llm.train.SftTrainer;
import dev.tuneline.llm.train.TokenBatch;
import dev.tuneline.llm.train.TrainingConfig;
import dev.tuneline.llm.train.TrainingListener;
import dev.tuneline.llm.train.TrainingProgress;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Training throughput of {@link SftTrainer} (full fine-tuning: masked loss, AdamW, global-norm clipping) for fixed
 * configs against the same model and step in PyTorch eager ({@code scripts/bench_train_torch.py}, run by
 * {@code scripts/bench-train.sh}), the two alternating per round, each side preceded by one large fp32 GEMM in the
 * same process so the step's matmul FLOP/s can be read as a share of it.
 *
 * <p>The machines are shared: each row reports the median step of a run and the process CPU time per wall second;
 * the summary takes each side's best round. Args: {@code --python PATH --script PATH --rounds N --steps N --warmup N
 * --gemm N}; the environment variable {@code BENCH_TORCH_ENV} (e.g. {@code OPENBLAS_CORETYPE=Haswell}) is set for
 * the Python process only.
 */
public final class TrainBench {

    /** One benchmark shape. */
    record Case(String name, LmConfig.Architecture arch, int vocab, int hidden, int layers, int heads, int ffn,
            int batch, int seq) {

        LmConfig config() {
            return LmConfig.builder(arch).setVocabSize(vocab).setHiddenSize(hidden).setNumLayers(layers)
                    .setNumHeads(heads).setFfnDim(ffn).setMaxPositions(Math.max(seq, 256)).optBosTokenId(vocab - 1)
                    .optEosTokenId(vocab - 1).build();
        }

        /** Matmul FLOPs of one training step (3 x forward: backward costs two forwards); dense attention. */
        double stepFlops() {
            double perTokenLayer = 2.0 * (4.0 * hidden * hidden + 2.0 * hidden * ffn) + 4.0 * seq * hidden;
            double perToken = layers * perTokenLayer + 2.0 * hidden * vocab;
            return 3.0 * perToken * batch * seq;
        }

        List<String> pythonArgs() {
            return List.of("--arch", arch == LmConfig.Architecture.OPT ? "opt" : "gpt2", "--vocab", "" + vocab,
                    "--hidden", "" + hidden, "--layers", "" + layers, "--heads", "" + heads, "--ffn", "" + ffn,
                    "--batch", "" + batch, "--seq", "" + seq);
        }
    }

    /** One side's measurement: median-step tokens/s, CPU share, GEMM GFLOP/s measured just before. */
    record Run(double tokensPerSecond, double cpuShare, double gemm) {}

    static final List<Case> CASES = List.of(
            new Case("opt d256 L2 V50272 B8 T256", LmConfig.Architecture.OPT, 50272, 256, 2, 4, 1024, 8, 256),
            new Case("gpt2 d256 L2 V50257 B8 T256", LmConfig.Architecture.GPT2, 50257, 256, 2, 4, 1024, 8, 256),
            new Case("opt d512 L4 V8192 B4 T256", LmConfig.Architecture.OPT, 8192, 512, 4, 8, 2048, 4, 256));

    private TrainBench() {}

    /** Runs the table. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("--python", "/usr/bin/python3", "--script",
                "scripts/bench_train_torch.py", "--rounds", "3", "--steps", "3", "--warmup", "1", "--gemm", "2048"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int rounds = Integer.parseInt(a.get("--rounds"));
        int steps = Integer.parseInt(a.get("--steps"));
        int warmup = Integer.parseInt(a.get("--warmup"));
        int gemmN = Integer.parseInt(a.get("--gemm"));
        int threads = Runtime.getRuntime().availableProcessors();

        JsonNode info = python(a, List.of("--steps", "0", "--threads", "" + threads));
        System.out.printf(Locale.ROOT, "JVM: engine %s %s, %d cores, OMP_WAIT_POLICY=%s, MKL_DEBUG_CPU_TYPE=%s%n",
                Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(), threads,
                System.getenv("OMP_WAIT_POLICY"), System.getenv("MKL_DEBUG_CPU_TYPE"));
        System.out.printf(Locale.ROOT, "python: torch %s, %d threads, OpenBLAS core %s, OPENBLAS_CORETYPE=%s%n",
                info.path("torch").asText(), info.path("threads").asInt(), info.path("blas_core").asText(),
                info.path("openblas_coretype_env").asText("unset"));
        System.out.printf(Locale.ROOT, "step FLOPs = 3 x forward matmul FLOPs (dense attention); GEMM = fp32 %dx%dx%d "
                + "in the same process just before the run (best of 3); tok/s from the median of %d timed steps%n%n", gemmN, gemmN,
                gemmN, steps);
        System.out.printf(Locale.ROOT, "%-28s %2s | %8s %7s %6s %6s %5s | %8s %7s %5s | %6s%n", "config", "r",
                "DJL tok/s", "GFLOP/s", "GEMM", "share", "cpu", "torch", "GEMM", "cpu", "ratio");
        Map<Case, List<Run[]>> all = new LinkedHashMap<>();
        for (int r = 1; r <= rounds; r++) {
            for (Case c : CASES) {
                Run djl = djl(c, steps, warmup, gemmN);
                List<String> py = new ArrayList<>(c.pythonArgs());
                py.addAll(List.of("--steps", "" + steps, "--warmup", "" + warmup, "--threads", "" + threads, "--gemm",
                        "" + gemmN));
                JsonNode j = python(a, py);
                Run torch = new Run(j.path("tokens_per_s").asDouble(), j.path("cpu_share").asDouble(),
                        j.path("gemm_gflops").asDouble());
                double gf = gflops(c, djl);
                System.out.printf(Locale.ROOT, "%-28s %2d | %8.0f %7.1f %6.1f %5.0f%% %5.2f | %8.0f %7.1f %5.2f | %6.2f%n",
                        c.name(), r, djl.tokensPerSecond(), gf, djl.gemm(), 100 * gf / djl.gemm(), djl.cpuShare(),
                        torch.tokensPerSecond(), torch.gemm(), torch.cpuShare(),
                        djl.tokensPerSecond() / torch.tokensPerSecond());
                all.computeIfAbsent(c, k -> new ArrayList<>()).add(new Run[] {djl, torch});
            }
        }
        double bestGemmJvm = all.values().stream().flatMap(List::stream).mapToDouble(x -> x[0].gemm()).max().orElseThrow();
        double bestGemmPy = all.values().stream().flatMap(List::stream).mapToDouble(x -> x[1].gemm()).max().orElseThrow();
        System.out.printf(Locale.ROOT, "%nbest of %d rounds per side (best GEMM: JVM %.1f, python %.1f GFLOP/s)%n", rounds,
                bestGemmJvm, bestGemmPy);
        for (Map.Entry<Case, List<Run[]>> e : all.entrySet()) {
            double d = e.getValue().stream().mapToDouble(x -> x[0].tokensPerSecond()).max().orElseThrow();
            double p = e.getValue().stream().mapToDouble(x -> x[1].tokensPerSecond()).max().orElseThrow();
            double[] ratios = e.getValue().stream().mapToDouble(x -> x[0].tokensPerSecond() / x[1].tokensPerSecond())
                    .sorted().toArray();
            double gf = gflops(e.getKey(), new Run(d, 0, 0));
            System.out.printf(Locale.ROOT,
                    "%-28s DJL %5.0f tok/s (%5.1f GFLOP/s = %3.0f%% of JVM GEMM)  torch %5.0f tok/s  ratio %.2f "
                            + "(per-round median %.2f)%n",
                    e.getKey().name(), d, gf, 100 * gf / bestGemmJvm, p, d / p, ratios[ratios.length / 2]);
        }
    }

    static double gflops(Case c, Run r) {
        return c.stepFlops() / (c.batch() * c.seq() / r.tokensPerSecond()) / 1e9;
    }

    /** GFLOP/s of an n x n x n fp32 matmul in this JVM: the best of 3 timed after 1 warmup (shared machines). */
    public static double gemm(int n) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(n, n));
            NDArray y = m.randomNormal(new Shape(n, n));
            double best = 0;
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                try (NDManager s = m.newSubManager()) {
                    NDArray z = x.matMul(y);
                    z.attach(s);
                    z.getFloat(0, 0);
                }
                if (i > 0) {
                    best = Math.max(best, 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9);
                }
            }
            return best;
        }
    }

    /** One trainer run: median-step tokens/s and CPU share over the timed steps, GEMM just before. */
    static Run djl(Case c, int steps, int warmup, int gemmN) {
        double gemm = gemm(gemmN);
        Random rnd = new Random(0);
        int[][] ids = new int[c.batch()][c.seq()];
        int[][] labels = new int[c.batch()][c.seq()];
        int[][] mask = new int[c.batch()][c.seq()];
        for (int b = 0; b < c.batch(); b++) {
            for (int t = 0; t < c.seq(); t++) {
                ids[b][t] = rnd.nextInt(c.vocab());
                labels[b][t] = t < c.seq() / 4 ? -100 : ids[b][t];
                mask[b][t] = 1;
            }
        }
        TokenBatch batch = new TokenBatch(ids, labels, mask);
        TrainingConfig config = TrainingConfig.builder().optMaxSteps(warmup + steps).optPerDeviceBatchSize(c.batch())
                .optLearningRate(1e-4).optWeightDecay(0.01).optSchedulerType(SchedulerType.CONSTANT)
                .optMaxGradNorm(1.0).optLoggingSteps(1000).optSaveSteps(0).optMaxSeqLength(c.seq()).build();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] times = new double[steps];
        long[] mark = new long[3];
        try (NDManager base = NDManager.newBaseManager()) {
            CausalLm model = Checkpoints.create(c.config(), base, 0);
            try (SftTrainer trainer = SftTrainer.of(model, config)) {
                mark[0] = System.nanoTime();
                trainer.train(BatchSource.of(List.of(batch)), null, new TrainingListener() {
                    @Override
                    public void onStep(TrainingProgress p) {
                        long now = System.nanoTime();
                        if (p.step() == warmup) {
                            mark[1] = os.getProcessCpuTime();
                            mark[2] = now;
                        } else if (p.step() > warmup) {
                            times[p.step() - warmup - 1] = (now - mark[0]) / 1e9;
                        }
                        mark[0] = now;
                    }
                });
            }
        }
        double cpu = (os.getProcessCpuTime() - mark[1]) / 1e9;
        double wall = (System.nanoTime() - mark[2]) / 1e9;
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        return new Run(c.batch() * c.seq() / sorted[sorted.length / 2], cpu / wall, gemm);
    }

    static JsonNode python(Map<String, String> a, List<String> extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(a.get("--python"), a.get("--script")));
        cmd.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        String env = System.getenv("BENCH_TORCH_ENV");
        if (env != null && !env.isBlank()) {
            for (String kv : env.trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        Process p = pb.start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
            }
        }
        if (p.waitFor() != 0 || last == null) {
            throw new IllegalStateException("python reference failed: " + String.join(" ", cmd));
        }
        return new ObjectMapper().readTree(last);
    }
}
