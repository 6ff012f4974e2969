package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.RewardModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reward training of a tiny GPT-2 reward model on bundled HH pairs: the BT loss falls, metrics are reported. */
class RewardTrainingTest {

    @Test
    void tinyRewardModelLearnsHhPairs(@TempDir Path dir) throws Exception {
        int[] vocab = new int[1];
        List<Fixtures.Pair> pairs = Fixtures.compactPairs(Fixtures.hhPairs(48, 48), vocab);
        int eos = Fixtures.compactEos(vocab[0]);
        BatchSource<PairBatch> train = BatchSource.shuffled(pairs.subList(0, 32), 8, 2,
                b -> Fixtures.collatePairs(b, eos));
        BatchSource<PairBatch> trainEval = BatchSource.of(List.of(Fixtures.collatePairs(pairs.subList(0, 32), eos)));
        BatchSource<PairBatch> heldOut = BatchSource.of(List.of(Fixtures.collatePairs(pairs.subList(32, 48), eos)));
        TrainingConfig config = TrainingConfig.builder().optNumEpochs(12).optPerDeviceBatchSize(8)
                .optLearningRate(2e-3).optWeightDecay(0.01).optWarmupSteps(4).optLoggingSteps(8).optEvalSteps(24)
                .optSaveSteps(0).optCenterRewardsCoefficient(0.01).optMaxSeqLength(48).optSeed(4)
                .optOutputDir(dir.toString()).build();
        List<Double> losses = new ArrayList<>();
        List<Map<String, Double>> evals = new ArrayList<>();
        try (NDManager base = NDManager.newBaseManager()) {
            RewardModel model = Checkpoints.createReward(LmConfig.tinyGpt2(vocab[0]), base, 4);
            float[] scoreBefore = model.score().getParameters().valueAt(0).getArray().toFloatArray();
            try (RewardTrainer trainer = RewardTrainer.of(model, config)) {
                Map<String, Double> before = trainer.evaluate(trainEval);
                TrainResult r = trainer.train(train, heldOut, new TrainingListener() {
                    @Override
                    public void onStep(TrainingProgress p) {
                        losses.add(p.loss());
                    }

                    @Override
                    public void onEval(int step, Map<String, Double> metrics) {
                        evals.add(metrics);
                    }
                });
                assertEquals(48, r.globalStep());
                Map<String, Double> after = trainer.evaluate(trainEval);
                assertTrue(after.get("eval_loss") < before.get("eval_loss") - 0.2,
                        "training-pair loss falls: " + before + " -> " + after);
                assertTrue(after.get("eval_accuracy") > before.get("eval_accuracy")
                        && after.get("eval_accuracy") >= 0.8, "training-pair accuracy rises: " + before + " -> " + after);
                assertTrue(Files.isRegularFile(r.finalModelDir().resolve("model.safetensors")));
                assertTrue(Files.readString(r.finalModelDir().resolve("config.json")).contains("GPT2ForSequenceClassification"));
                assertEquals(evals.get(evals.size() - 1), r.evalMetrics());
            }
            double first = losses.subList(0, 4).stream().mapToDouble(d -> d).average().orElseThrow();
            double last = losses.subList(losses.size() - 4, losses.size()).stream().mapToDouble(d -> d).average()
                    .orElseThrow();
            assertTrue(last < first - 0.2, "BT loss falls: " + losses);
            assertEquals(2, evals.size()); // steps 24 and 48
            Map<String, Double> heldOutMetrics = evals.get(1);
            for (String k : List.of("eval_loss", "eval_accuracy", "eval_ties", "eval_mean_margin", "eval_reward_mean",
                    "eval_reward_std")) {
                assertTrue(heldOutMetrics.containsKey(k) && Double.isFinite(heldOutMetrics.get(k)), k + " in " + heldOutMetrics);
            }
            assertEquals(16.0, heldOutMetrics.get("eval_pairs"));
            assertFalse(Arrays.equals(scoreBefore, model.score().getParameters().valueAt(0).getArray().toFloatArray()));
            System.out.println("reward held-out after 48 steps: " + heldOutMetrics);
        }
    }
}
