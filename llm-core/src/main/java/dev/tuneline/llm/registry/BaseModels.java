package dev.tuneline.llm.registry;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.tokenizer.TextTokenizer;

/**
 * Builds the model a job starts from: loads a checkpoint's weights, random-initialises from a config-only
 * directory, or from a tiny preset sized by the job ({@code hiddenSize}, {@code layers}) with the tokenizer's
 * special tokens.
 */
public final class BaseModels {
    private BaseModels() {
    }

    /** The architecture config of a base (weights or not). */
    public static LmConfig config(BaseModelRef ref, TextTokenizer tok, Integer hiddenSize, Integer layers, int minPositions) {
        if (ref.modelDir() != null) {
            return LmConfig.fromHfConfig(ref.modelDir().resolve("config.json"));
        }
        int vocab = roundUp(tok.vocabSize(), 8);
        LmConfig base = "tiny-opt".equals(ref.preset()) ? LmConfig.tinyOpt(vocab) : LmConfig.tinyGpt2(vocab);
        int hidden = hiddenSize == null ? base.hiddenSize() : hiddenSize;
        int heads = Math.max(1, hidden / 16);
        while (hidden % heads != 0) {
            heads--;
        }
        return base.toBuilder()
                .setHiddenSize(hidden).optWordEmbedProjDim(hidden).setNumHeads(heads).setFfnDim(4 * hidden)
                .setNumLayers(layers == null ? base.numLayers() : layers)
                .setMaxPositions(Math.max(base.maxPositions(), roundUp(minPositions, 64)))
                .optBosTokenId(tok.bosId()).optEosTokenId(tok.eosId()).optPadTokenId(tok.padId().orElse(tok.eosId()))
                .build();
    }

    /** The causal LM to fine-tune. */
    public static CausalLm causalLm(BaseModelRef ref, LmConfig config, NDManager manager, long seed) {
        if (ref.hasWeights()) {
            return Checkpoints.loadCausalLm(ref.modelDir(), manager);
        }
        return Checkpoints.create(config, manager, seed);
    }

    /** The reward model to train: a checkpoint's backbone (its head kept if it has one) or a random one. */
    public static RewardModel rewardModel(BaseModelRef ref, LmConfig config, NDManager manager, long seed) {
        if (ref.hasWeights()) {
            return Checkpoints.loadRewardModel(ref.modelDir(), manager, seed);
        }
        return Checkpoints.createReward(config, manager, seed);
    }

    private static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
