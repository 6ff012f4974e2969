package dev.tuneline.llm.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneline.llm.data.PreferenceEncoder;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reward-scoring function used by evaluation, the gateway and the CLI: renders prompt + response with the
 * model's training template and EOS, truncates as training did (prompt from the left first), and reads the score
 * at each row's last attended token, so a row's score does not depend on its batch or padding.
 */
public final class RewardScorer implements AutoCloseable {
    /** File next to a trained model recording how it was trained (template, max length). */
    public static final String TRAINING_INFO = "tuneline.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 16;

    private final RewardModel model;
    private final TextTokenizer tokenizer;
    private final PreferenceEncoder encoder;
    private final NDManager manager;
    private final boolean ownsManager;
    private final String templateName;

    /** A scorer over a loaded model. */
    public RewardScorer(RewardModel model, TextTokenizer tokenizer, PromptTemplate template, int maxLength, NDManager manager) {
        this(model, tokenizer, template, maxLength, manager, false);
    }

    private RewardScorer(RewardModel model, TextTokenizer tokenizer, PromptTemplate template, int maxLength,
            NDManager manager, boolean owns) {
        this.model = model;
        this.tokenizer = tokenizer.withEosPaddingIfMissing();
        this.encoder = new PreferenceEncoder(this.tokenizer, template, maxLength);
        this.manager = manager;
        this.ownsManager = owns;
        this.templateName = template.name();
    }

    /** The template prompts and responses are rendered with (the one the model was trained with). */
    public String templateName() {
        return templateName;
    }

    /**
     * Loads a reward model directory (HF layout + tokenizer). The template and max length come from
     * {@value #TRAINING_INFO} when Tuneline trained it, else {@code defaultTemplate} and 512.
     */
    public static RewardScorer load(Path dir, String defaultTemplate) throws IOException {
        String template = defaultTemplate;
        int maxLength = 512;
        Path info = dir.resolve(TRAINING_INFO);
        if (Files.exists(info)) {
            JsonNode n = JSON.readTree(info.toFile());
            template = n.path("template").asText(template);
            maxLength = n.path("max_seq_length").asInt(maxLength);
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            RewardModel model = Checkpoints.loadRewardModel(dir, manager);
            int limit = Math.min(maxLength, model.config().maxPositions());
            return new RewardScorer(model, TextTokenizer.load(dir), PromptTemplate.byName(template), limit, manager, true);
        } catch (RuntimeException | IOException e) {
            manager.close();
            throw e;
        }
    }

    /** Writes {@value #TRAINING_INFO} into a model directory. */
    public static void writeTrainingInfo(Path dir, String jobType, String template, int maxSeqLength) throws IOException {
        var node = JSON.createObjectNode().put("job_type", jobType).put("template", template).put("max_seq_length", maxSeqLength);
        Files.writeString(dir.resolve(TRAINING_INFO), node.toPrettyString());
    }

    /** The score of one response. */
    public float score(String prompt, String response) {
        return score(List.of(prompt), List.of(response))[0];
    }

    /** Scores of many responses, in batches (right-padded; the score is read at each row's last real token). */
    public float[] score(List<String> prompts, List<String> responses) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        List<int[]> rows = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            rows.add(encoder.encodeResponse(prompts.get(i), responses.get(i)));
        }
        float[] out = new float[rows.size()];
        for (int start = 0; start < rows.size(); start += BATCH) {
            List<int[]> chunk = rows.subList(start, Math.min(rows.size(), start + BATCH));
            float[] scores = scoreIds(chunk);
            System.arraycopy(scores, 0, out, start, scores.length);
        }
        return out;
    }

    /** Scores of already-encoded rows (one batch). */
    public synchronized float[] scoreIds(List<int[]> rows) {
        int t = rows.stream().mapToInt(r -> r.length).max().orElse(1);
        int pad = tokenizer.padId().orElse(tokenizer.eosId());
        long[] ids = new long[rows.size() * t];
        long[] mask = new long[rows.size() * t];
        for (int b = 0; b < rows.size(); b++) {
            int[] r = rows.get(b);
            for (int j = 0; j < t; j++) {
                ids[b * t + j] = j < r.length ? r[j] : pad;
                mask[b * t + j] = j < r.length ? 1 : 0;
            }
        }
        try (NDManager step = manager.newSubManager()) {
            NDArray idArr = step.create(ids, new ai.djl.ndarray.types.Shape(rows.size(), t));
            NDArray maskArr = step.create(mask, new ai.djl.ndarray.types.Shape(rows.size(), t));
            NDArray rewards = model.rewards(new ParameterStore(step, false), idArr, maskArr, false);
            return rewards.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    @Override
    public void close() {
        if (ownsManager) {
            manager.close();
        }
    }
}
