package dev.tuneline.rewardworker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.events.BatchChecksum;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.events.JobConfig;
import dev.tuneline.events.ModelReady;
import dev.tuneline.events.PreferenceBatch;
import dev.tuneline.events.Topics;
import dev.tuneline.events.serde.ModelReadyDeserializer;
import dev.tuneline.llm.data.Collator;
import dev.tuneline.llm.data.DatasetLoader;
import dev.tuneline.llm.data.EncodedPair;
import dev.tuneline.llm.data.PreferenceEncoder;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.KafkaTestClient;
import dev.tuneline.testsupport.PostgresResource;
import dev.tuneline.testsupport.SharedData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** reward-worker against a real broker and database: preference batches in, Bradley-Terry training, model-ready out. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class RewardWorkerIT {
    private static final Path TOKENIZER = SharedData.root().resolve("tokenizers/gpt2-hf");

    @Test
    void preferenceBatchesTrainARewardModelWhoseLossFalls() throws Exception {
        UUID job = UUID.randomUUID();
        List<PreferenceBatch> batches = new ArrayList<>();
        try (TextTokenizer tok = TextTokenizer.load(TOKENIZER)) {
            TextTokenizer padded = tok.withPadToken(tok.eosId());
            var rows = new DatasetLoader().loadPreferences(SharedData.root().resolve("preference/hh_helpful_pairs.jsonl"));
            List<EncodedPair> pairs = new PreferenceEncoder(padded, PromptTemplate.raw(), 64).encodeAll(rows.subList(0, 16)).pairs();
            Collator collator = Collator.forTokenizer(padded);
            for (int i = 0; i < 4; i++) {
                var b = collator.collatePairs(pairs.subList(i * 4, i * 4 + 4));
                batches.add(PreferenceBatch.of(job, new PreferenceBatch.Payload(i, b.chosenIds(), b.chosenMask(),
                        b.rejectedIds(), b.rejectedMask(), b.margins())));
            }
        }
        BatchChecksum sum = new BatchChecksum();
        batches.forEach(sum::update);
        KafkaTestClient.send(Topics.REWARD_BATCHES, batches.toArray(new PreferenceBatch[0]));
        JobConfig cfg = new JobConfig(16, 4, 3e-3, 64, 7L, 0.2, "raw", null, null, null, 32, 1, null, 0.0, "constant",
                null, null, null, null, null, null, null, null, null);
        KafkaTestClient.send(Topics.REWARD_BATCHES, BatchesEnd.of(job, new BatchesEnd.Payload(4, 16, sum.hex(),
                TOKENIZER.toString(), "tiny-gpt2", cfg, List.of(), Map.of())));

        ModelReady ready = KafkaTestClient.readUntil(Topics.MODEL_READY, new ModelReadyDeserializer(), job, r -> true,
                Duration.ofMinutes(4)).get(0);
        Map<String, Double> m = ready.payload().metrics();
        assertEquals("reward", ready.payload().jobType());
        assertEquals(16.0, m.get("steps"));
        assertTrue(m.get("last_loss") < m.get("first_logged_loss"),
                "BT loss falls on the training pairs: " + m.get("first_logged_loss") + " -> " + m.get("last_loss"));
        String config = Files.readString(Path.of(ready.payload().modelDir()).resolve("config.json"));
        assertTrue(config.contains("GPT2ForSequenceClassification"), config);
    }
}
