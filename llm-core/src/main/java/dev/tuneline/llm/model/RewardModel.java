package dev.tuneline.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;

/**
 * A scalar reward model: a {@link CausalLm} backbone (without using its LM head) and a {@code score}
 * head {@code Linear(hidden -> 1, no bias)}, read at the last attended token of each row (from the
 * attention mask, so left or right padding gives the same reward). HF equivalent:
 * {@code GPT2ForSequenceClassification} / {@code OPTForSequenceClassification} with
 * {@code num_labels = 1}.
 *
 * <p>{@code forward(ps, NDList(ids (B, T) int64, mask (B, T) int64), training)} returns
 * {@code NDList(rewards (B) float32)}.
 */
public final class RewardModel extends AbstractHfBlock {

    private final CausalLm backbone;
    private final HfLinear score;

    /** A reward model on a backbone of {@code config} (the LM head is never used, so it is tied). */
    public RewardModel(LmConfig config) {
        LmConfig tied = config.tieWordEmbeddings() ? config : config.toBuilder().optTieWordEmbeddings(true).build();
        backbone = addHfChild("", CausalLm.of(tied));
        score = addHfChild("score", HfLinear.linear(backbone.hiddenOutputSize(), 1, false));
    }

    /**
     * Rewards at the last attended token of each row.
     *
     * @param ids int64 {@code (B, T)}
     * @param mask int64 {@code (B, T)}
     * @return float32 {@code (B)}
     */
    public NDArray rewards(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
        NDArray hidden = backbone.hiddenStates(ps, ids, mask, null, training);   // (B, T, P)
        NDArray perToken = score.apply(ps, hidden, training).squeeze(-1);        // (B, T)
        NDArray pick = lastTokenOneHot(mask);                                    // (B, T)
        return perToken.mul(pick).sum(new int[] {1});                            // (B)
    }

    /**
     * Index of the last position with mask 1 in each row.
     *
     * @throws IllegalArgumentException naming the row when a row has no attended token
     */
    public static int[] lastAttendedIndex(NDArray mask) {
        long rows = mask.getShape().get(0);
        int cols = (int) mask.getShape().get(1);
        long[] m = mask.toType(DataType.INT64, false).toLongArray();
        int[] last = new int[(int) rows];
        for (int b = 0; b < rows; b++) {
            last[b] = -1;
            for (int t = cols - 1; t >= 0; t--) {
                if (m[b * cols + t] != 0) {
                    last[b] = t;
                    break;
                }
            }
            if (last[b] < 0) {
                throw new IllegalArgumentException("row " + b + " of the attention mask has no attended token");
            }
        }
        return last;
    }

    private static NDArray lastTokenOneHot(NDArray mask) {
        int[] last = lastAttendedIndex(mask);
        int cols = (int) mask.getShape().get(1);
        float[] hot = new float[last.length * cols];
        for (int b = 0; b < last.length; b++) {
            hot[b * cols + last[b]] = 1f;
        }
        NDManager m = mask.getManager();
        return m.create(hot, new Shape(last.length, cols));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : ids.getManager().ones(ids.getShape(), DataType.INT64);
        return new NDList(rewards(ps, ids, mask, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0))};
    }

    /** The decoder backbone. */
    public CausalLm backbone() {
        return backbone;
    }

    /** The {@code score} head ({@code weight (1, hidden)}). */
    public HfLinear score() {
        return score;
    }

    /** The backbone's config. */
    public LmConfig config() {
        return backbone.config();
    }

    /** Every affine layer by HF module path, {@code score} included. */
    public LinkedHashMap<String, HfLinear> linearLayers() {
        LinkedHashMap<String, HfLinear> out = new LinkedHashMap<>(backbone.linearLayers());
        out.put("score", score);
        return out;
    }
}
