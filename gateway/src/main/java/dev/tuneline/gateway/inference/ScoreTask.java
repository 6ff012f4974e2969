package dev.tuneline.gateway.inference;

import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.PromptTemplate;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewards of (prompt, response) pairs under a reward model. Each pair is rendered as the reward job trained it:
 * {@code template.renderFull(prompt, response, EOS)}, tokenized with special tokens. Tasks on the same model share
 * forward passes of at most the engine's batch size.
 */
public final class ScoreTask extends InferenceTask<float[]> {
    private final List<Pair> pairs;
    private final String template;

    /**
     * One (prompt, response) pair.
     *
     * @param prompt the prompt (plain, or already {@code \n\nHuman: ...\n\nAssistant:})
     * @param response the response
     */
    public record Pair(String prompt, String response) {
    }

    /** Scores {@code pairs}; {@code template} null takes the model's, else by the prompt's form (see {@link #templateFor}). */
    public ScoreTask(ModelInfo model, List<Pair> pairs, String template, long deadlineNanos) {
        super(model, deadlineNanos);
        this.pairs = List.copyOf(pairs);
        this.template = template;
    }

    @Override
    public Object batchKey() {
        return List.of("score", model().id());
    }

    @Override
    public int rows() {
        return pairs.size();
    }

    /**
     * The template for a pair: the request's, else the model's, else {@code raw} for prompts already in
     * {@code \n\nHuman: … \n\nAssistant:} form and {@code human-assistant} for plain ones (as dataset-service picks
     * for reward jobs).
     */
    static PromptTemplate templateFor(String requested, ModelInfo model, String prompt) {
        String name = requested != null ? requested : model.template();
        if (name == null) {
            name = prompt.startsWith("\n\nHuman:") ? "raw" : "human-assistant";
        }
        return PromptTemplate.byName(name);
    }

    @Override
    protected void runBatch(LoadedModel model, List<InferenceTask<?>> batch, EngineStats stats) {
        List<int[]> rows = new ArrayList<>();
        List<ScoreTask> ready = new ArrayList<>();
        for (InferenceTask<?> t : batch) {
            ScoreTask s = (ScoreTask) t;
            try {
                List<int[]> mine = s.encode(model);
                rows.addAll(mine);
                ready.add(s);
            } catch (IllegalArgumentException e) {
                s.fail(e);
            }
        }
        float[] all = new float[rows.size()];
        int step = Math.max(1, stats.maxBatchSize());
        for (int a = 0; a < rows.size(); a += step) {
            List<int[]> chunk = rows.subList(a, Math.min(rows.size(), a + step));
            float[] r = model.rewards(chunk);
            System.arraycopy(r, 0, all, a, r.length);
            chunk.forEach(c -> stats.prompted(c.length));
        }
        int at = 0;
        for (ScoreTask s : ready) {
            float[] mine = new float[s.pairs.size()];
            System.arraycopy(all, at, mine, 0, mine.length);
            at += mine.length;
            s.complete(mine);
        }
    }

    private List<int[]> encode(LoadedModel model) {
        List<int[]> out = new ArrayList<>(pairs.size());
        String eos = model.tokenizer().eosToken();
        int max = model.config().maxPositions();
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            PromptTemplate t = templateFor(template, model(), p.prompt());
            int[] ids = model.tokenizer().encode(t.renderFull(new InstructionRow(i, p.prompt(), "", p.response()), eos), true);
            if (ids.length > max) {
                throw new IllegalArgumentException("pair " + i + ": prompt + response is " + ids.length
                        + " tokens, over the model's " + max + " positions");
            }
            out.add(ids);
        }
        return out;
    }
}
