package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full fine-tuning of a tiny GPT-2 on bundled CodeAlpaca rows: the loss falls and every parameter moves. */
class SftTrainingTest {

    static Map<String, float[]> snapshot(Map<String, Parameter> params) {
        Map<String, float[]> s = new LinkedHashMap<>();
        params.forEach((k, p) -> s.put(k, p.getArray().toFloatArray()));
        return s;
    }

    @Test
    void tinyGpt2LearnsCodeAlpacaAndEveryParameterChanges(@TempDir Path dir) throws Exception {
        int[] vocab = new int[1];
        List<Fixtures.Row> rows = Fixtures.compact(Fixtures.codeAlpaca(80, 64), vocab);
        int eos = Fixtures.compactEos(vocab[0]);
        BatchSource<TokenBatch> train = BatchSource.shuffled(rows.subList(0, 64), 8, 3, b -> Fixtures.collate(b, eos));
        BatchSource<TokenBatch> eval = BatchSource.shuffled(rows.subList(64, 80), 8, 0, b -> Fixtures.collate(b, eos));
        TrainingConfig config = TrainingConfig.builder().optNumEpochs(10).optPerDeviceBatchSize(8)
                .optGradientAccumulationSteps(2).optLearningRate(5e-3).optWeightDecay(0.01).optWarmupRatio(0.1)
                .optSchedulerType(SchedulerType.LINEAR).optLoggingSteps(5).optEvalSteps(20).optSaveSteps(20)
                .optSaveTotalLimit(1).optMaxSeqLength(64).optSeed(1).optOutputDir(dir.toString()).build();
        List<Double> losses = new ArrayList<>();
        List<TrainingProgress> logs = new ArrayList<>();
        List<Map<String, Double>> evals = new ArrayList<>();
        try (NDManager base = NDManager.newBaseManager()) {
            CausalLm model = Checkpoints.create(LmConfig.tinyGpt2(vocab[0]), base, 1);
            Map<String, float[]> before = snapshot(model.hfParameters());
            double eval0;
            try (SftTrainer trainer = SftTrainer.of(model, config)) {
                eval0 = trainer.evaluate(eval).get("eval_loss");
                TrainResult r = trainer.train(train, eval, new TrainingListener() {
                    @Override
                    public void onStep(TrainingProgress p) {
                        losses.add(p.loss());
                    }

                    @Override
                    public void onLog(TrainingProgress p) {
                        logs.add(p);
                    }

                    @Override
                    public void onEval(int step, Map<String, Double> metrics) {
                        evals.add(metrics);
                    }
                });
                assertEquals(40, r.globalStep()); // 8 batches / 2 = 4 steps per epoch x 10
                assertEquals(10.0, r.epoch(), 1e-9);
                assertTrue(Files.isRegularFile(r.finalModelDir().resolve("model.safetensors")));
                assertTrue(Files.isRegularFile(r.finalModelDir().resolve("config.json")));
                assertEquals(List.of("checkpoint-40"), TrainingCheckpoints.list(dir).stream()
                        .map(p -> p.getFileName().toString()).toList());
            }
            double first = losses.subList(0, 3).stream().mapToDouble(d -> d).average().orElseThrow();
            double last = losses.subList(losses.size() - 3, losses.size()).stream().mapToDouble(d -> d).average()
                    .orElseThrow();
            assertTrue(Math.abs(first - Math.log(vocab[0])) < 0.5, "starts near ln(V): " + losses);
            assertTrue(last < first - 2.0, "loss falls clearly: " + losses);
            assertEquals(8, logs.size()); // every 5 steps
            TrainingProgress lastLog = logs.get(7);
            assertTrue(lastLog.tokensPerSecond() > 0 && lastLog.gradNorm() > 0 && lastLog.learningRate() >= 0);
            assertEquals(0.0, lastLog.eta().toMillis(), 0.0);
            assertEquals(losses.subList(35, 40).stream().mapToDouble(d -> d).average().orElseThrow(), lastLog.loss(),
                    1e-9, "logged loss = mean of the steps since the previous log");
            assertEquals(2, evals.size()); // steps 20 and 40
            assertTrue(evals.get(1).get("eval_loss") < eval0 - 1.0, "held-out loss falls: " + eval0 + " -> " + evals);

            Map<String, float[]> after = snapshot(model.hfParameters());
            for (String k : before.keySet()) {
                assertFalse(Arrays.equals(before.get(k), after.get(k)), "parameter " + k + " did not change");
            }
            // the saved final model reloads with the trained weights
            try (NDManager m2 = NDManager.newBaseManager()) {
                CausalLm reloaded = Checkpoints.loadCausalLm(dir.resolve(TrainerCore.FINAL_DIR), m2);
                Map<String, float[]> r = snapshot(reloaded.hfParameters());
                for (String k : after.keySet()) {
                    assertTrue(Arrays.equals(after.get(k), r.get(k)), "saved " + k);
                }
            }
        }
    }
}
