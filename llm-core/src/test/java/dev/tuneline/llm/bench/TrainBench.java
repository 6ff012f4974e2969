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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Training throughput of {@link SftTrainer} (full fine-tuning, AdamW, clipping, masked loss) for fixed configs
 * against the same model and step in PyTorch eager ({@code scripts/bench_train_torch.py}, run by
 * {@code scripts/bench-train.sh}), alternating the two per round, plus the rate of one large fp32 GEMM in this JVM so
 * the step's FLOP/s can be read as a share of it.
 *
 * <p>Args: {@code --python PATH --script PATH --rounds N --steps N --warmup N --gemm N}; the environment variable
 * {@code BENCH_TORCH_ENV} (e.g. {@code OPENBLAS_CORETYPE=Haswell}) is set for the Python process only.
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
    }

    static final List<Case> CASES = List.of(
            new Case("opt d256 L2 V50272 B8 T256", LmConfig.Architecture.OPT, 50272, 256, 2, 4, 1024, 8, 256),
            new Case("gpt2 d256 L2 V50257 B8 T256", LmConfig.Architecture.GPT2, 50257, 256, 2, 4, 1024, 8, 256),
            new Case("opt d512 L4 V8192 B4 T256", LmConfig.Architecture.OPT, 8192, 512, 4, 8, 2048, 4, 256));

    private TrainBench() {}

    /** Runs the table. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("--python", "/usr/bin/python3", "--script",
                "scripts/bench_train_torch.py", "--rounds", "2", "--steps", "4", "--warmup", "2", "--gemm", "2048"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int rounds = Integer.parseInt(a.get("--rounds"));
        int steps = Integer.parseInt(a.get("--steps"));
        int warmup = Integer.parseInt(a.get("--warmup"));
        int gemmN = Integer.parseInt(a.get("--gemm"));
        int threads = Runtime.getRuntime().availableProcessors();

        double gemmJvm = gemm(gemmN);
        JsonNode pyGemm = python(a, List.of("--steps", "0", "--gemm", String.valueOf(gemmN), "--threads",
                String.valueOf(threads)));
        System.out.printf(Locale.ROOT, "engine %s, %d cores, java threads=%s, OMP_WAIT_POLICY=%s%n",
                Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion(), threads,
                System.getProperty("ai.djl.pytorch.num_threads", "default"), System.getenv("OMP_WAIT_POLICY"));
        System.out.printf(Locale.ROOT, "python: torch %s, threads %d, BLAS core %s, OPENBLAS_CORETYPE=%s%n",
                pyGemm.path("torch").asText(), pyGemm.path("threads").asInt(), pyGemm.path("blas_core").asText(),
                pyGemm.path("openblas_coretype_env").asText("unset"));
        System.out.printf(Locale.ROOT, "GEMM fp32 %dx%d: JVM (DJL) %.1f GFLOP/s, python torch %.1f GFLOP/s%n%n", gemmN,
                gemmN, gemmJvm, pyGemm.path("gemm_gflops").asDouble());

        System.out.printf(Locale.ROOT, "%-30s %5s %10s %10s %7s %9s %9s %8s %8s%n", "config", "round", "DJL tok/s",
                "torch tok/s", "ratio", "DJL GF/s", "% of GEMM", "DJL cpu", "py cpu");
        Map<String, List<double[]>> summary = new LinkedHashMap<>();
        for (int r = 1; r <= rounds; r++) {
            for (Case c : CASES) {
                double[] djl = djl(c, steps, warmup);
                JsonNode py = python(a, List.of("--arch", c.arch() == LmConfig.Architecture.OPT ? "opt" : "gpt2",
                        "--vocab", "" + c.vocab(), "--hidden", "" + c.hidden(), "--layers", "" + c.layers(), "--heads",
                        "" + c.heads(), "--ffn", "" + c.ffn(), "--batch", "" + c.batch(), "--seq", "" + c.seq(),
                        "--steps", "" + steps, "--warmup", "" + warmup, "--threads", "" + threads));
                double pyTps = py.path("tokens_per_s").asDouble();
                double gflops = c.stepFlops() / (c.batch() * c.seq() / djl[0]) / 1e9;
                System.out.printf(Locale.ROOT, "%-30s %5d %10.0f %10.0f %7.2f %9.1f %8.0f%% %8.2f %8.2f%n", c.name(), r,
                        djl[0], pyTps, djl[0] / pyTps, gflops, 100 * gflops / gemmJvm, djl[1],
                        py.path("cpu_share").asDouble());
                summary.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(new double[] {djl[0], pyTps, gflops});
            }
        }
        System.out.printf(Locale.ROOT, "%nmean over rounds (step FLOPs = 3 x forward matmuls, dense attention)%n");
        for (Map.Entry<String, List<double[]>> e : summary.entrySet()) {
            double d = e.getValue().stream().mapToDouble(x -> x[0]).average().orElseThrow();
            double p = e.getValue().stream().mapToDouble(x -> x[1]).average().orElseThrow();
            double g = e.getValue().stream().mapToDouble(x -> x[2]).average().orElseThrow();
            System.out.printf(Locale.ROOT, "%-30s DJL %6.0f tok/s  torch %6.0f tok/s  ratio %.2f  %5.1f GFLOP/s = %.0f%% of GEMM%n",
                    e.getKey(), d, p, d / p, g, 100 * g / gemmJvm);
        }
    }

    /** GFLOP/s of an n x n x n fp32 matmul in this JVM (2 warmups, 5 timed). */
    static double gemm(int n) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(n, n));
            NDArray y = m.randomNormal(new Shape(n, n));
            for (int i = 0; i < 2; i++) {
                try (NDManager s = m.newSubManager()) {
                    x.matMul(y).attach(s);
                }
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray z = x.matMul(y);
                    z.attach(s);
                    z.getFloat(0, 0);
                }
            }
            return 2.0 * n * n * n * 5 / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
    }

    /** {tokens/s, process CPU time / wall time} over the timed steps of one trainer run. */
    static double[] djl(Case c, int steps, int warmup) {
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
        long[] start = new long[2];
        try (NDManager base = NDManager.newBaseManager()) {
            CausalLm model = Checkpoints.create(c.config(), base, 0);
            try (SftTrainer trainer = SftTrainer.of(model, config)) {
                trainer.train(BatchSource.of(List.of(batch)), null, new TrainingListener() {
                    @Override
                    public void onStep(TrainingProgress p) {
                        if (p.step() == warmup) {
                            start[0] = System.nanoTime();
                            start[1] = os.getProcessCpuTime();
                        }
                    }
                });
            }
        }
        double wall = (System.nanoTime() - start[0]) / 1e9;
        double cpu = (os.getProcessCpuTime() - start[1]) / 1e9;
        return new double[] {(double) steps * c.batch() * c.seq() / wall, cpu / wall};
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
