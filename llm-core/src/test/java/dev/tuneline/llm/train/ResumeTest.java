package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped after step k and resumed from its checkpoint continues with the same losses as one that never stopped. */
class ResumeTest {
    static final int V = 60;
    static final int T = 12;
    static final int STEPS = 8;
    static final int STOP_AT = 3;

    static List<TokenBatch> rows() {
        List<TokenBatch> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(AccumulationTest.rows(i % 8, i % 8 + 1, 100 + i / 8));
        }
        return rows;
    }

    /** Single-row batches merged into padded batches (all rows share T). */
    static TokenBatch collate(List<TokenBatch> rows) {
        int n = rows.size();
        int[][] ids = new int[n][];
        int[][] labels = new int[n][];
        int[][] mask = new int[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = rows.get(i).inputIds()[0];
            labels[i] = rows.get(i).labels()[0];
            mask[i] = rows.get(i).attentionMask()[0];
        }
        return new TokenBatch(ids, labels, mask);
    }

    static TrainingConfig config(Path out) {
        return TrainingConfig.builder().optMaxSteps(STEPS).optPerDeviceBatchSize(2).optGradientAccumulationSteps(2)
                .optLearningRate(5e-3).optWeightDecay(0.01).optSchedulerType(SchedulerType.COSINE).optWarmupSteps(2)
                .optMaxGradNorm(0.5).optLoggingSteps(2).optSaveSteps(STOP_AT).optSaveTotalLimit(2).optSeed(5)
                .optOutputDir(out.toString()).build();
    }

    static BatchSource<TokenBatch> data() {
        return BatchSource.shuffled(rows(), 2, 5, ResumeTest::collate); // 10 batches/epoch = 5 steps: run crosses an epoch
    }

    @Test
    void resumedRunRepeatsTheUninterruptedLosses(@TempDir Path dir) throws Exception {
        Map<Integer, Double> straight = new TreeMap<>();
        float[] straightWeights;
        Path a = dir.resolve("a");
        try (NDManager base = NDManager.newBaseManager()) {
            TinyLm lm = TinyLm.create(base, V, 16, T, false, 1);
            try (SftTrainer t = new SftTrainer(lm, lm.namedParameters(), config(a), null)) {
                TrainResult r = t.train(data(), null, new TrainingListener() {
                    @Override
                    public void onStep(TrainingProgress p) {
                        straight.put(p.step(), p.loss());
                    }
                });
                assertFalse(r.stopped());
                assertEquals(STEPS, r.globalStep());
                assertTrue(Files.isDirectory(r.finalModelDir()));
            }
            straightWeights = lm.namedParameters().get("mlp.fc.weight").getArray().toFloatArray();
        }
        // checkpoints at 3, 6 and the end (8); save_total_limit 2 keeps the last two
        assertEquals(List.of("checkpoint-6", "checkpoint-8"), TrainingCheckpoints.list(a).stream()
                .map(p -> p.getFileName().toString()).toList());
        assertTrue(straight.get(STEPS) < straight.get(1), "loss falls: " + straight);

        Path b = dir.resolve("b");
        try (NDManager base = NDManager.newBaseManager()) {
            TinyLm lm = TinyLm.create(base, V, 16, T, false, 1);
            try (SftTrainer t = new SftTrainer(lm, lm.namedParameters(), config(b), null)) {
                TrainResult r = t.train(data(), null, new TrainingListener() {
                    @Override
                    public void onStep(TrainingProgress p) {
                        assertEquals(straight.get(p.step()), p.loss(), 1e-6, "step " + p.step() + " before the stop");
                        if (p.step() == STOP_AT) {
                            t.requestStop();
                        }
                    }
                });
                assertTrue(r.stopped());
                assertEquals(STOP_AT, r.globalStep());
                assertEquals(null, r.finalModelDir());
            }
        }
        Path checkpoint = TrainerCore.latestCheckpoint(b).orElseThrow();
        assertEquals("checkpoint-" + STOP_AT, checkpoint.getFileName().toString());

        Map<Integer, Double> resumed = new TreeMap<>();
        try (NDManager base = NDManager.newBaseManager()) {
            TinyLm lm = TinyLm.create(base, V, 16, T, false, 999); // other init: the checkpoint must overwrite it
            try (SftTrainer t = new SftTrainer(lm, lm.namedParameters(), config(b), null)) {
                t.resumeFrom(checkpoint);
                assertEquals(STOP_AT, t.globalStep());
                assertEquals(STOP_AT, t.optimizer().stepCount());
                TrainResult r = t.train(data(), null, new TrainingListener() {
                    @Override
                    public void onStep(TrainingProgress p) {
                        resumed.put(p.step(), p.loss());
                    }
                });
                assertEquals(STEPS, r.globalStep());
            }
            float[] w = lm.namedParameters().get("mlp.fc.weight").getArray().toFloatArray();
            for (int i = 0; i < w.length; i++) {
                assertEquals(straightWeights[i], w[i], 1e-6, "final mlp.fc.weight[" + i + "]");
            }
        }
        assertEquals(List.of(4, 5, 6, 7, 8), List.copyOf(resumed.keySet()));
        for (int s = STOP_AT + 1; s <= STEPS; s++) {
            assertEquals(straight.get(s), resumed.get(s), 1e-6, "step " + s);
        }
    }

    /** libtorch's grad mode is per thread: a thread that has it on (a test runner, a pool thread) trains all the same. */
    @Test
    void trainsOnAThreadWhoseGradModeIsOnAndLeavesItOn(@TempDir Path dir) throws Exception {
        ai.djl.pytorch.jni.JniUtils.setGradMode(true);
        try (NDManager base = NDManager.newBaseManager()) {
            TinyLm lm = TinyLm.create(base, V, 16, T, false, 1);
            try (SftTrainer t = new SftTrainer(lm, lm.namedParameters(), config(dir.resolve("g")), null)) {
                assertEquals(STEPS, t.train(data(), null, null).globalStep());
            }
            assertTrue(ai.djl.pytorch.jni.JniUtils.isGradMode(), "the caller's grad mode is restored");
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
    }

    /** An abort (the job now belongs to another worker) stops after the step and writes nothing into the output dir. */
    @Test
    void abortStopsWithoutWritingACheckpoint(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("aborted");
        try (NDManager base = NDManager.newBaseManager()) {
            TinyLm lm = TinyLm.create(base, V, 16, T, false, 1);
            try (SftTrainer t = new SftTrainer(lm, lm.namedParameters(), config(out), null)) {
                TrainResult r = t.train(data(), null, new TrainingListener() {
                    @Override
                    public void onStep(TrainingProgress p) {
                        if (p.step() == 2) {
                            t.requestAbort();
                        }
                    }
                });
                assertTrue(r.stopped());
                assertEquals(2, r.globalStep());
                assertEquals(null, r.finalModelDir());
            }
        }
        assertEquals(List.of(), TrainingCheckpoints.list(out), "save_steps 3 was not reached and the abort saved nothing");
    }

    /** With a real GPT-2 block (dropout 0.1 everywhere) the per-step engine seed makes the resumed steps identical. */
    @Test
    void resumeIsExactWithDropout(@TempDir Path dir) throws Exception {
        int[] vocab = new int[1];
        List<Fixtures.Row> rows = Fixtures.compact(Fixtures.codeAlpaca(24, 32), vocab);
        int eos = Fixtures.compactEos(vocab[0]);
        LmConfig lm = LmConfig.tinyGpt2(vocab[0]);
        assertTrue(lm.dropout() > 0 && lm.attentionDropout() > 0, "the test needs dropout");
        TrainingConfig config = TrainingConfig.builder().optMaxSteps(5).optPerDeviceBatchSize(4)
                .optGradientAccumulationSteps(2).optLearningRate(1e-3).optSaveSteps(2).optLoggingSteps(1).optSeed(9)
                .optOutputDir(dir.resolve("a").toString()).build();
        Map<Integer, Double> straight = new TreeMap<>();
        Map<Integer, Double> resumed = new TreeMap<>();
        for (int run = 0; run < 2; run++) {
            Map<Integer, Double> into = run == 0 ? straight : resumed;
            try (NDManager base = NDManager.newBaseManager()) {
                CausalLm model = Checkpoints.create(lm, base, 3);
                try (SftTrainer t = SftTrainer.of(model, config)) {
                    if (run == 1) {
                        t.resumeFrom(dir.resolve("a").resolve("checkpoint-2"));
                    }
                    t.train(BatchSource.shuffled(rows, 4, 9, b -> Fixtures.collate(b, eos)), null, new TrainingListener() {
                        @Override
                        public void onStep(TrainingProgress p) {
                            into.put(p.step(), p.loss());
                        }
                    });
                }
            }
        }
        assertEquals(List.of(3, 4, 5), List.copyOf(resumed.keySet()));
        for (int s = 3; s <= 5; s++) {
            assertEquals(straight.get(s), resumed.get(s), 1e-6, "step " + s);
        }
    }
}
