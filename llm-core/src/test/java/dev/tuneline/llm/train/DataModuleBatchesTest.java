package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneline.llm.data.Collator;
import dev.tuneline.llm.data.EncodedSft;
import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.Packer;
import dev.tuneline.llm.data.PreferenceEncoder;
import dev.tuneline.llm.data.PreferenceRow;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.data.SftEncoder;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batches from the data module (encoder + collator) feed the trainers; packed rows are refused. */
class DataModuleBatchesTest {

    @Test
    void sftAndPreferenceBatchesFromTheDataModuleTrain() throws Exception {
        TextTokenizer gpt2 = TextTokenizer.load(Fixtures.shared().resolve("tokenizers/gpt2-hf"));
        TextTokenizer tok = gpt2.withPadToken(gpt2.eosId()); // GPT-2: pad = eos, as in the lab
        JsonNode all = new ObjectMapper().readTree(Fixtures.shared().resolve("sft/code_alpaca_2k.json").toFile());
        List<InstructionRow> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            JsonNode r = all.get(i);
            rows.add(new InstructionRow(i, r.get("instruction").asText(), r.path("input").asText(""),
                    r.get("output").asText()));
        }
        List<EncodedSft> encoded = new SftEncoder(tok, PromptTemplate.alpaca(), 64).encodeAll(rows).encoded();
        Collator collator = Collator.forTokenizer(tok);
        TokenBatch batch = TokenBatch.of(collator.collate(encoded.subList(0, 4)));
        assertEquals(encoded.subList(0, 4).stream().mapToLong(EncodedSft::trainedTokens).sum(), batch.targetTokens());

        IllegalArgumentException packed = assertThrows(IllegalArgumentException.class,
                () -> TokenBatch.of(collator.collate(Packer.pack(encoded, 256))));
        assertTrue(packed.getMessage().contains("packed"), packed.getMessage());

        ObjectMapper json = new ObjectMapper();
        List<PreferenceRow> prefs = new ArrayList<>();
        for (String line : Files.readAllLines(Fixtures.shared().resolve("preference/hh_helpful_pairs.jsonl")).subList(0, 4)) {
            JsonNode r = json.readTree(line);
            prefs.add(new PreferenceRow(prefs.size(), r.get("prompt").asText(), r.get("chosen").asText(),
                    r.get("rejected").asText(), null));
        }
        PairBatch pairs = PairBatch.of(collator.collatePairs(
                new PreferenceEncoder(tok, PromptTemplate.raw(), 64).encodeAll(prefs).pairs()));
        assertEquals(4, pairs.size());

        TrainingConfig config = TrainingConfig.builder().optMaxSteps(2).optPerDeviceBatchSize(4).optLearningRate(1e-3)
                .optMaxSeqLength(64).build();
        try (NDManager m = NDManager.newBaseManager()) {
            LmConfig arch = LmConfig.tinyGpt2(Fixtures.GPT2_VOCAB);
            try (SftTrainer sft = SftTrainer.of(Checkpoints.create(arch, m, 1), config)) {
                TrainResult r = sft.train(BatchSource.of(List.of(batch)), null, null);
                assertTrue(r.lastLoss() < r.trainLoss() + 1 && Math.abs(r.trainLoss() - Math.log(Fixtures.GPT2_VOCAB)) < 0.5,
                        "a fresh model starts near ln(V): " + r);
            }
            try (RewardTrainer rm = RewardTrainer.of(Checkpoints.createReward(arch, m, 1), config)) {
                TrainResult r = rm.train(BatchSource.of(List.of(pairs)), BatchSource.of(List.of(pairs)), null);
                assertTrue(Math.abs(r.trainLoss() - Math.log(2)) < 0.2, "BT loss starts near ln 2: " + r);
                assertEquals(4.0, r.evalMetrics().get("eval_pairs"));
            }
        }
    }
}
