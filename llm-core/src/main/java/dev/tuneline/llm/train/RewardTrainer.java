package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.RewardModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reward-model training on preference pairs with {@link BradleyTerryLoss} (optional per-pair margins and
 * {@code center_rewards_coefficient}); the model maps (input_ids, attention_mask) → rewards (B). A step's loss is
 * the window's summed pair losses over its pair count. Evaluation reports {@code eval_loss} and
 * {@link RewardMetrics} ({@code eval_accuracy}, {@code eval_ties}, {@code eval_mean_margin}, ...).
 */
public final class RewardTrainer extends TrainerCore<PairBatch> {

    /** Trains {@code trainable} inside reward model {@code model}; {@code writer} saves the final model. */
    public RewardTrainer(Block model, Map<String, Parameter> trainable, TrainingConfig config, ModelWriter writer) {
        super(model, trainable, config, writer);
    }

    /**
     * A trainer for {@code model} as the config asks: full fine-tuning of every HF parameter (backbone and score
     * head), or with {@code lora} the adapters plus the score head (PEFT's {@code modules_to_save}). The final
     * model is an HF sequence classifier ({@link Checkpoints#save(RewardModel, java.nio.file.Path)}); a LoRA run also
     * writes {@code final/adapter/} and merges the adapters into the in-memory model first, as
     * {@link SftTrainer#of} does.
     */
    public static RewardTrainer of(RewardModel model, TrainingConfig config) {
        return new RewardTrainer(model, FineTuning.trainable(model, model.hfParameters(), config), config,
                FineTuning.writer(model, config, dir -> Checkpoints.save(model, dir)));
    }

    @Override
    protected long normaliserUnits(PairBatch batch) {
        return batch.size();
    }

    @Override
    protected long attendedTokens(PairBatch batch) {
        return batch.attendedTokens();
    }

    @Override
    protected int seqLength(PairBatch batch) {
        return batch.seqLength();
    }

    /** Rewards (B) of rows {@code ids} (B, T) under {@code mask}. */
    private NDArray rewards(NDManager m, int[][] ids, int[][] mask, boolean training, String side) {
        NDArray r = forward(m, new NDList(Batches.longs(m, ids), Batches.longs(m, mask)), training).get(0);
        if (r.getShape().dimension() != 1 || r.getShape().get(0) != ids.length) {
            throw new IllegalStateException("reward model returned " + r.getShape() + " for " + side + " rows, expected ["
                    + ids.length + "]");
        }
        return r;
    }

    private NDArray[] bothRewards(NDManager m, PairBatch batch, boolean training) {
        return new NDArray[] {
            rewards(m, batch.chosenIds(), batch.chosenMask(), training, "chosen"),
            rewards(m, batch.rejectedIds(), batch.rejectedMask(), training, "rejected")
        };
    }

    private double centerCoefficient() {
        Double c = config().centerRewardsCoefficient();
        return c == null ? 0 : c;
    }

    @Override
    protected NDArray lossSum(NDManager m, PairBatch batch, boolean training) {
        NDArray[] r = bothRewards(m, batch, training);
        NDArray margins = batch.margins() == null ? null : m.create(batch.margins());
        return BradleyTerryLoss.sum(r[0], r[1], margins, centerCoefficient());
    }

    @Override
    protected Map<String, Double> evaluateAll(BatchSource<PairBatch> data) {
        float[] chosen = new float[0];
        float[] rejected = new float[0];
        double lossSum = 0;
        for (int i = 0; i < data.batchesPerEpoch(); i++) {
            PairBatch batch = data.batch(0, i);
            try (NDManager m = newStepManager()) {
                NDArray[] r = bothRewards(m, batch, false);
                NDArray margins = batch.margins() == null ? null : m.create(batch.margins());
                lossSum += BradleyTerryLoss.sum(r[0], r[1], margins, centerCoefficient()).getFloat();
                chosen = concat(chosen, r[0].toFloatArray());
                rejected = concat(rejected, r[1].toFloatArray());
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("eval_loss", lossSum / Math.max(1, chosen.length));
        out.putAll(RewardMetrics.of(chosen, rejected).asMap("eval_"));
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
