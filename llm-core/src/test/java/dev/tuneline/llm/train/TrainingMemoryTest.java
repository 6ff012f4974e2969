package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.RewardModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training leaves nothing behind per step: the NDArrays owned by the model's manager and by the optimizer's state
 * stay at their count after the first step (the moments appear then) through later steps, an evaluation and a
 * checkpoint. Every array that an op derives from a long-lived one belongs to that one's manager on this engine, so
 * a temporary that is not moved to a step's manager lives (natively) until the trainer closes: tens of MiB per step
 * for the demo's model.
 */
class TrainingMemoryTest {

    /** Arrays held by the model's manager and by the optimizer's, after each step. */
    static final class Counts implements TrainingListener {
        final NDManager modelManager;
        final TrainerCore<?> trainer;
        final List<int[]> perStep = new ArrayList<>();

        Counts(NDManager modelManager, TrainerCore<?> trainer) {
            this.modelManager = modelManager;
            this.trainer = trainer;
        }

        @Override
        public void onStep(TrainingProgress p) {
            String any = trainer.trainableParameters().keySet().iterator().next();
            NDManager state = trainer.optimizer().firstMoment(any).getManager();
            perStep.add(new int[] {modelManager.getManagedArrays().size(), state.getManagedArrays().size()});
        }

        void assertFlat(int trainable) {
            int[] first = perStep.get(0);
            assertEquals(2 * trainable, first[1], "optimizer state after step 1: two moments per trainable parameter");
            for (int i = 1; i < perStep.size(); i++) {
                assertEquals(first[0], perStep.get(i)[0], "arrays in the model's manager after step " + (i + 1));
                assertEquals(first[1], perStep.get(i)[1], "arrays in the optimizer's manager after step " + (i + 1));
            }
        }
    }

    static TrainingConfig config(Path dir) {
        return TrainingConfig.builder().optMaxSteps(4).optPerDeviceBatchSize(4).optLearningRate(1e-3)
                .optWeightDecay(0.01).optMaxGradNorm(1.0).optLoggingSteps(1).optEvalSteps(2).optSaveSteps(2)
                .optMaxSeqLength(48).optSeed(3).optOutputDir(dir.toString()).build();
    }

    @Test
    void sftStepsEvaluationAndCheckpointsKeepArrayCountsFlat(@TempDir Path dir) throws Exception {
        int[] vocab = new int[1];
        List<Fixtures.Row> rows = Fixtures.compact(Fixtures.codeAlpaca(24, 48), vocab);
        int eos = Fixtures.compactEos(vocab[0]);
        BatchSource<TokenBatch> train = BatchSource.shuffled(rows.subList(0, 16), 4, 1, b -> Fixtures.collate(b, eos));
        BatchSource<TokenBatch> eval = BatchSource.of(List.of(Fixtures.collate(rows.subList(16, 24), eos)));
        try (NDManager base = NDManager.newBaseManager()) {
            CausalLm model = Checkpoints.create(LmConfig.tinyGpt2(vocab[0]), base, 3);
            try (SftTrainer trainer = SftTrainer.of(model, config(dir))) {
                Counts counts = new Counts(base, trainer);
                trainer.train(train, eval, counts);
                assertEquals(4, counts.perStep.size());
                counts.assertFlat(trainer.trainableParameters().size());
            }
        }
    }

    @Test
    void rewardStepsKeepArrayCountsFlat(@TempDir Path dir) throws Exception {
        int[] vocab = new int[1];
        List<Fixtures.Pair> pairs = Fixtures.compactPairs(Fixtures.hhPairs(24, 48), vocab);
        int eos = Fixtures.compactEos(vocab[0]);
        BatchSource<PairBatch> train = BatchSource.shuffled(pairs.subList(0, 16), 4, 1,
                b -> Fixtures.collatePairs(b, eos));
        BatchSource<PairBatch> eval = BatchSource.of(List.of(Fixtures.collatePairs(pairs.subList(16, 24), eos)));
        try (NDManager base = NDManager.newBaseManager()) {
            RewardModel model = Checkpoints.createReward(LmConfig.tinyGpt2(vocab[0]), base, 3);
            try (RewardTrainer trainer = RewardTrainer.of(model, config(dir))) {
                Counts counts = new Counts(base, trainer);
                trainer.train(train, eval, counts);
                assertEquals(4, counts.perStep.size());
                counts.assertFlat(trainer.trainableParameters().size());
            }
        }
    }
}
