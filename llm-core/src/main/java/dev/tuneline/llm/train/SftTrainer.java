package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Supervised fine-tuning of a causal LM (forward (input_ids, attention_mask) → logits (B, T, V)) with
 * {@link MaskedLmLoss}: the loss of a step is the summed NLL of its whole accumulation window divided by the
 * window's target-token count. For a {@link CausalLm} the LM head runs only at positions whose next label is scored
 * ({@link MaskedLmLoss#sumAtTargets}), so masked prompt tokens and padding cost no vocabulary projection; other blocks
 * (and {@link #withFullLogits()}) compute logits everywhere as HF does. Evaluation reports {@code eval_loss} (per
 * target token), {@code eval_perplexity} and {@code eval_tokens}.
 */
public final class SftTrainer extends TrainerCore<TokenBatch> {
    private boolean fullLogits;

    /** Trains {@code trainable} inside {@code model}; {@code writer} saves the final model (null = weights only). */
    public SftTrainer(Block model, Map<String, Parameter> trainable, TrainingConfig config, ModelWriter writer) {
        super(model, trainable, config, writer);
    }

    /**
     * A trainer for {@code model} as the config asks. Without {@code lora}: full fine-tuning of every HF parameter;
     * {@code output_dir/final} is the HF checkpoint ({@link Checkpoints#save(CausalLm, java.nio.file.Path)}). With
     * {@code lora}: LoRA is applied now (unless the model already has adapters) and only adapters train; checkpoints
     * also hold PEFT's adapter files; at the end {@code final/adapter/} gets the PEFT adapters, then the adapters are
     * merged into the in-memory model and {@code final/} gets the merged HF checkpoint.
     */
    public static SftTrainer of(CausalLm model, TrainingConfig config) {
        return new SftTrainer(model, FineTuning.trainable(model, model.hfParameters(), config), config,
                FineTuning.writer(model, config, dir -> Checkpoints.save(model, dir)));
    }

    /** Computes logits at every position, as HF does: the reference the selective loss is tested and benchmarked against. */
    public SftTrainer withFullLogits() {
        this.fullLogits = true;
        return this;
    }

    @Override
    protected long normaliserUnits(TokenBatch batch) {
        return batch.targetTokens();
    }

    @Override
    protected long attendedTokens(TokenBatch batch) {
        return batch.attendedTokens();
    }

    @Override
    protected int seqLength(TokenBatch batch) {
        return batch.seqLength();
    }

    private static void checkLabels(TokenBatch batch, long vocab) {
        int[][] labels = batch.labels();
        for (int b = 0; b < labels.length; b++) {
            for (int t = 0; t < labels[b].length; t++) {
                int y = labels[b][t];
                if (y != MaskedLmLoss.IGNORE_INDEX && (y < 0 || y >= vocab)) {
                    throw new IllegalArgumentException("batch row " + b + " position " + t + ": label " + y
                            + " is outside the model's vocabulary of " + vocab + " (and not -100)");
                }
            }
        }
    }

    @Override
    protected NDArray lossSum(NDManager m, TokenBatch batch, boolean training) {
        NDArray ids = Batches.longs(m, batch.inputIds());
        NDArray mask = Batches.longs(m, batch.attentionMask());
        if (!fullLogits && model() instanceof CausalLm lm) {
            checkLabels(batch, lm.config().vocabSize());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray hidden = lm.hiddenStates(ps, ids, mask, training);                    // (B, T, P)
            return MaskedLmLoss.sumAtTargets(hidden, batch.labels(), h -> lm.logits(ps, h, training));
        }
        NDArray logits = forward(m, new NDList(ids, mask), training).get(0);            // (B, T, V)
        checkLabels(batch, logits.getShape().get(2));
        return MaskedLmLoss.sum(logits, Batches.longs(m, batch.labels()));
    }

    @Override
    protected Map<String, Double> evaluateAll(BatchSource<TokenBatch> data) {
        double nll = 0;
        long targets = 0;
        for (int i = 0; i < data.batchesPerEpoch(); i++) {
            TokenBatch batch = data.batch(0, i);
            try (NDManager m = newStepManager()) {
                nll += lossSum(m, batch, false).getFloat();
                targets += batch.targetTokens();
            }
        }
        double loss = nll / Math.max(1, targets);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("eval_loss", loss);
        out.put("eval_perplexity", Math.exp(loss));
        out.put("eval_tokens", (double) targets);
        return out;
    }
}
