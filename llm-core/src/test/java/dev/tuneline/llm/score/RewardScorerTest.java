package dev.tuneline.llm.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewardScorerTest {
    private static final Path DATA = Path.of(System.getProperty("tuneline.shared.dir", "../../shared"), "data");

    @TempDir
    Path dir;

    @Test
    void aRowScoresTheSameAloneAndInsideAPaddedBatchOfMixedLengths() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(DATA.resolve("tokenizers/gpt2-hf"))) {
            RewardModel model = Checkpoints.createReward(LmConfig.tinyGpt2(50264), m, 3);
            try (RewardScorer s = new RewardScorer(model, tok, PromptTemplate.humanAssistant(), 64, m)) {
                String p = "How do I sort a list in Python?";
                float alone = s.score(p, "Use sorted(xs).");
                float[] batch = s.score(List.of("Hi", p, "Write a very long story about a dragon " + "and more ".repeat(30)),
                        List.of("Hello there, how can I help you today?", "Use sorted(xs).", "Once upon a time"));
                assertEquals(alone, batch[1], 1e-4f, "score is independent of the batch and its padding");
                assertNotEquals(batch[0], batch[1]);
            }
        }
    }

    @Test
    void savedModelLoadsWithItsTrainingTemplate() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(DATA.resolve("tokenizers/gpt2-hf"))) {
            RewardModel model = Checkpoints.createReward(LmConfig.tinyGpt2(50264), m, 5);
            Checkpoints.save(model, dir);
            tok.saveTo(dir);
            RewardScorer.writeTrainingInfo(dir, "reward", "human-assistant", 64);
            float direct;
            try (RewardScorer s = new RewardScorer(model, tok, PromptTemplate.humanAssistant(), 64, m)) {
                direct = s.score("Name a colour", "Blue");
            }
            try (RewardScorer loaded = RewardScorer.load(dir, "raw")) {
                assertEquals(direct, loaded.score("Name a colour", "Blue"), 1e-5f);
            }
        }
    }
}
