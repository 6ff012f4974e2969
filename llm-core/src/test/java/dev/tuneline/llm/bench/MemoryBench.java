package dev.tuneline.llm.bench;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.train.BatchSource;
import dev.tuneline.llm.train.PairBatch;
import dev.tuneline.llm.train.RewardTrainer;
import dev.tuneline.llm.train.SchedulerType;
import dev.tuneline.llm.train.SftTrainer;
import dev.tuneline.llm.train.TokenBatch;
import dev.tuneline.llm.train.TrainingConfig;
import dev.tuneline.llm.train.TrainingListener;
import dev.tuneline.llm.train.TrainingProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Native memory of training over steps, the demo's jobs: tiny GPT-2 (vocab 50,257, hidden 64, 2 layers), full
 * fine-tuning with AdamW on random batches of 8 rows (SFT: length 40..96, a quarter prompt) or 8 pairs (reward:
 * length 40..128). Prints the process's Pss (anonymous / file) and the NDArrays in the model's manager every
 * {@code --every} steps, then the peak and the growth per step over the second half. Run it with the services' JVM
 * flags ({@code -Xmx640m -XX:+UseSerialGC}) to compare with a worker. Args: {@code --task sft|reward --steps N
 * --every N}.
 */
public final class MemoryBench {
    private MemoryBench() {}

    /** Runs it. */
    public static void main(String[] args) throws Exception {
        String task = "sft";
        int steps = 60;
        int every = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--task" -> task = args[i + 1];
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--every" -> every = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int vocab = 50257;
        LmConfig cfg = LmConfig.builder(LmConfig.Architecture.GPT2).setVocabSize(vocab).setHiddenSize(64)
                .setNumLayers(2).setNumHeads(2).setFfnDim(256).setMaxPositions(160).optBosTokenId(vocab - 1)
                .optEosTokenId(vocab - 1).build();
        TrainingConfig config = TrainingConfig.builder().optMaxSteps(steps).optPerDeviceBatchSize(8)
                .optLearningRate(1e-3).optSchedulerType(SchedulerType.LINEAR).optLoggingSteps(1000).optSaveSteps(0)
                .optMaxSeqLength(128).build();
        long[] pss = new long[steps + 1];
        System.out.printf(Locale.ROOT, "%s, %d steps%n%6s %10s %10s %10s %8s%n", task, steps, "step", "Pss MiB",
                "anon MiB", "file MiB", "arrays");
        Random rnd = new Random(0);
        try (NDManager base = NDManager.newBaseManager()) {
            TrainingListener probe = probe(base, pss, every);
            if (task.equals("sft")) {
                List<TokenBatch> batches = new ArrayList<>();
                for (int n = 0; n < 16; n++) {
                    int t = 40 + rnd.nextInt(57);
                    int[][] ids = tokens(rnd, vocab, t);
                    int[][] labels = new int[8][t];
                    for (int b = 0; b < 8; b++) {
                        for (int j = 0; j < t; j++) {
                            labels[b][j] = j < t / 4 ? -100 : ids[b][j];
                        }
                    }
                    batches.add(new TokenBatch(ids, labels, ones(t)));
                }
                CausalLm model = Checkpoints.create(cfg, base, 0);
                probe.onStep(new TrainingProgress(0, steps, 0, 0, 0, 0, 0, 0, null, null));
                try (SftTrainer trainer = SftTrainer.of(model, config)) {
                    trainer.train(BatchSource.of(batches), null, probe);
                }
            } else if (task.equals("reward")) {
                List<PairBatch> batches = new ArrayList<>();
                for (int n = 0; n < 16; n++) {
                    int t = 40 + rnd.nextInt(89);
                    batches.add(new PairBatch(tokens(rnd, vocab, t), ones(t), tokens(rnd, vocab, t), ones(t)));
                }
                RewardModel model = Checkpoints.createReward(cfg, base, 0);
                probe.onStep(new TrainingProgress(0, steps, 0, 0, 0, 0, 0, 0, null, null));
                try (RewardTrainer trainer = RewardTrainer.of(model, config)) {
                    trainer.train(BatchSource.of(batches), null, probe);
                }
            } else {
                throw new IllegalArgumentException("--task must be sft or reward, got " + task);
            }
        }
        long peak = 0;
        for (long v : pss) {
            peak = Math.max(peak, v);
        }
        System.out.printf(Locale.ROOT, "peak Pss %.1f MiB%n", peak / 1024.0);
        int half = steps / 2;
        System.out.printf(Locale.ROOT, "growth per step over steps %d..%d: %.2f MiB%n", half, steps,
                (pss[steps] - pss[half]) / 1024.0 / (steps - half));
    }

    private static TrainingListener probe(NDManager base, long[] pss, int every) {
        return new TrainingListener() {
            @Override
            public void onStep(TrainingProgress p) {
                long[] r = rollup();
                pss[p.step()] = r[0];
                if (p.step() % every == 0) {
                    print(p.step(), r, base);
                }
            }
        };
    }

    private static int[][] tokens(Random rnd, int vocab, int t) {
        int[][] ids = new int[8][t];
        for (int[] row : ids) {
            for (int j = 0; j < t; j++) {
                row[j] = rnd.nextInt(vocab);
            }
        }
        return ids;
    }

    private static int[][] ones(int t) {
        int[][] mask = new int[8][t];
        for (int[] row : mask) {
            java.util.Arrays.fill(row, 1);
        }
        return mask;
    }

    private static void print(int step, long[] r, NDManager base) {
        System.out.printf(Locale.ROOT, "%6d %10.1f %10.1f %10.1f %8d%n", step, r[0] / 1024.0, r[1] / 1024.0,
                r[2] / 1024.0, base.getManagedArrays().size());
    }

    /** Pss, Pss_Anon, Pss_File of this process in KiB. */
    static long[] rollup() {
        long[] r = new long[3];
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                String[] f = line.trim().split("\\s+");
                switch (f[0]) {
                    case "Pss:" -> r[0] = Long.parseLong(f[1]);
                    case "Pss_Anon:" -> r[1] = Long.parseLong(f[1]);
                    case "Pss_File:" -> r[2] = Long.parseLong(f[1]);
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return r;
    }
}
