package dev.tuneline.eval;

import static org.awaitility.Awaitility.await;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tuneline.events.EvalCompleted;
import dev.tuneline.events.EvalSet;
import dev.tuneline.events.JobCancelled;
import dev.tuneline.events.ModelReady;
import dev.tuneline.events.Topics;
import dev.tuneline.events.serde.EvalCompletedDeserializer;
import dev.tuneline.llm.metrics.SacreBleu;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.score.RewardScorer;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import dev.tuneline.testsupport.KafkaResource;
import dev.tuneline.testsupport.KafkaTestClient;
import dev.tuneline.testsupport.PostgresResource;
import dev.tuneline.testsupport.SharedData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** eval-service against a real broker and database: eval set + model-ready in, stored results + eval-completed out. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class EvaluationIT {
    private static final Path TOKENIZER = SharedData.root().resolve("tokenizers/gpt2-hf");

    private static Path model(String name, long seed, boolean reward) throws Exception {
        Path dir = Files.createTempDirectory("eval-" + name);
        try (NDManager m = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(TOKENIZER)) {
            LmConfig cfg = LmConfig.tinyGpt2(50264).toBuilder().optEosTokenId(50256).optBosTokenId(50256).build();
            if (reward) {
                Checkpoints.save(Checkpoints.createReward(cfg, m, seed), dir);
                RewardScorer.writeTrainingInfo(dir, "reward", "human-assistant", 64);
            } else {
                Checkpoints.save(Checkpoints.create(cfg, m, seed), dir);
            }
            tok.saveTo(dir);
        }
        return dir;
    }

    @Test
    void sftEvaluationScoresBaseAndTunedWithSacreBleuAndStoresEveryExample() throws Exception {
        UUID job = UUID.randomUUID();
        List<EvalSet.Example> examples = List.of(
                new EvalSet.Example(3, "### Instruction:\nPrint hello\n\n### Response:\n", "print('hello')", "Print hello"),
                new EvalSet.Example(9, "### Instruction:\nAdd two numbers\n\n### Response:\n", "a + b", "Add two numbers"));
        KafkaTestClient.send(Topics.EVAL_SETS, EvalSet.of(job, new EvalSet.Payload("sft", "alpaca", examples, null, 8, 1, 64, null, null, null)));
        KafkaTestClient.send(Topics.MODEL_READY, ModelReady.of(job, new ModelReady.Payload("sft",
                model("tuned", 1, false).toString(), model("base", 2, false).toString(), Map.of())));

        EvalCompleted done = KafkaTestClient.readUntil(Topics.EVAL_COMPLETED, new EvalCompletedDeserializer(), job,
                e -> true, Duration.ofMinutes(3)).get(0);
        Map<String, Double> m = done.payload().metrics();
        assertTrue(m.containsKey("bleu_base") && m.containsKey("bleu_tuned"), m.toString());
        assertTrue(done.payload().summary().contains("tok:13a"), done.payload().summary());

        JsonPath view = given().get("/v1/evals/" + job).then().statusCode(200).extract().jsonPath();
        assertEquals("SUCCEEDED", view.getString("state"));
        List<String> tunedOutputs = view.getList("examples.findAll { it.model == 'tuned' }.output");
        assertEquals(2, tunedOutputs.size());
        double recomputed = SacreBleu.defaults().corpusScore(tunedOutputs, List.of(List.of("print('hello')", "a + b"))).score();
        assertEquals(recomputed, m.get("bleu_tuned"), 1e-9, "stored outputs reproduce the reported BLEU");
        given().get("/v1/evals/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void aJobCancelledBeforeItsModelIsReadyIsNeverEvaluated() throws Exception {
        UUID job = UUID.randomUUID();
        KafkaTestClient.send(Topics.JOB_CANCELLED, JobCancelled.of(job, "cancelled by user"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/v1/evals/" + job).then()
                .statusCode(200).body("state", org.hamcrest.Matchers.equalTo("CANCELLED")));
        List<EvalSet.Example> examples = List.of(
                new EvalSet.Example(3, "### Instruction:\nPrint hello\n\n### Response:\n", "print('hello')", "Print hello"));
        KafkaTestClient.send(Topics.EVAL_SETS, EvalSet.of(job, new EvalSet.Payload("sft", "alpaca", examples, null, 8,
                1, 64, null, null, null)));
        KafkaTestClient.send(Topics.MODEL_READY, ModelReady.of(job, new ModelReady.Payload("sft",
                model("tuned-c", 1, false).toString(), null, Map.of())));
        // a later job on the same topics is evaluated: by then the cancelled job's records were handled
        UUID later = UUID.randomUUID();
        KafkaTestClient.send(Topics.EVAL_SETS, EvalSet.of(later, new EvalSet.Payload("sft", "alpaca", examples, null, 8,
                1, 64, null, null, null)));
        KafkaTestClient.send(Topics.MODEL_READY, ModelReady.of(later, new ModelReady.Payload("sft",
                model("tuned-l", 1, false).toString(), null, Map.of())));
        KafkaTestClient.readUntil(Topics.EVAL_COMPLETED, new EvalCompletedDeserializer(), later, e -> true,
                Duration.ofMinutes(3));
        given().get("/v1/evals/" + job).then().statusCode(200).body("state", org.hamcrest.Matchers.equalTo("CANCELLED"))
                .body("examples.size()", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void cancellingARunningEvaluationStopsItAndFreesTheEvaluator() throws Exception {
        UUID big = UUID.randomUUID();
        List<EvalSet.Example> many = new java.util.ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            many.add(new EvalSet.Example(i, "### Instruction:\nTask " + i + "\n\n### Response:\n", "done", "Task " + i));
        }
        KafkaTestClient.send(Topics.EVAL_SETS, EvalSet.of(big, new EvalSet.Payload("sft", "alpaca", many, null, 64, 1,
                128, null, null, null)));
        KafkaTestClient.send(Topics.MODEL_READY, ModelReady.of(big, new ModelReady.Payload("sft",
                model("big-tuned", 1, false).toString(), model("big-base", 2, false).toString(), Map.of())));
        // generating 2 x 4,000 prompts x 64 tokens takes minutes: wait until it runs, then cancel it
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/v1/evals/" + big).then()
                .statusCode(200).body("state", org.hamcrest.Matchers.equalTo("PENDING")));
        Thread.sleep(2000);
        KafkaTestClient.send(Topics.JOB_CANCELLED, JobCancelled.of(big, "cancelled by user"));

        UUID next = UUID.randomUUID();
        List<EvalSet.Example> one = List.of(
                new EvalSet.Example(1, "### Instruction:\nPrint hello\n\n### Response:\n", "print('hello')", "Print hello"));
        KafkaTestClient.send(Topics.EVAL_SETS, EvalSet.of(next, new EvalSet.Payload("sft", "alpaca", one, null, 8, 1, 64,
                null, null, null)));
        KafkaTestClient.send(Topics.MODEL_READY, ModelReady.of(next, new ModelReady.Payload("sft",
                model("next", 1, false).toString(), null, Map.of())));
        // the single evaluator thread is free long before the cancelled run could have finished
        KafkaTestClient.readUntil(Topics.EVAL_COMPLETED, new EvalCompletedDeserializer(), next, e -> true,
                Duration.ofSeconds(45));
        given().get("/v1/evals/" + big).then().statusCode(200).body("state", org.hamcrest.Matchers.equalTo("CANCELLED"))
                .body("examples.size()", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void rewardEvaluationReportsHeldOutAccuracyWithAnInterval() throws Exception {
        UUID job = UUID.randomUUID();
        List<EvalSet.Pair> pairs = List.of(
                new EvalSet.Pair(1, "Name a fruit", "Apple", "I will not answer"),
                new EvalSet.Pair(2, "What is 2+2?", "4", "5"),
                new EvalSet.Pair(3, "Say hi", "Hi!", "Go away"));
        KafkaTestClient.send(Topics.EVAL_SETS, EvalSet.of(job, new EvalSet.Payload("reward", "human-assistant", null, pairs, 8, 1, 64, null, null, null)));
        Path rm = model("rm", 4, true);
        KafkaTestClient.send(Topics.MODEL_READY, ModelReady.of(job, new ModelReady.Payload("reward", rm.toString(), null, Map.of())));
        EvalCompleted done = KafkaTestClient.readUntil(Topics.EVAL_COMPLETED, new EvalCompletedDeserializer(), job,
                e -> true, Duration.ofMinutes(3)).get(0);
        Map<String, Double> m = done.payload().metrics();
        assertEquals(3.0, m.get("pairs"));
        float[] chosen;
        float[] rejected;
        try (RewardScorer s = RewardScorer.load(rm, "raw")) {
            chosen = s.score(List.of("Name a fruit", "What is 2+2?", "Say hi"), List.of("Apple", "4", "Hi!"));
            rejected = s.score(List.of("Name a fruit", "What is 2+2?", "Say hi"), List.of("I will not answer", "5", "Go away"));
        }
        int correct = 0;
        for (int i = 0; i < 3; i++) {
            correct += chosen[i] > rejected[i] ? 1 : 0;
        }
        assertEquals(correct / 3.0, m.get("accuracy"), 1e-9);
        assertTrue(m.get("accuracy_ci_low") <= m.get("accuracy") && m.get("accuracy") <= m.get("accuracy_ci_high"));
    }

    @Test
    void evalJobComparesTwoModelsJudgedByARewardModel() throws Exception {
        UUID job = UUID.randomUUID();
        List<EvalSet.Example> examples = List.of(
                new EvalSet.Example(1, "### Instruction:\nPrint hello\n\n### Response:\n", "print('hello')", "Print hello"),
                new EvalSet.Example(2, "### Instruction:\nAdd\n\n### Response:\n", "a + b", "Add"),
                new EvalSet.Example(5, "### Instruction:\nSort xs\n\n### Response:\n", "sorted(xs)", "Sort xs"),
                new EvalSet.Example(7, "### Instruction:\nReverse s\n\n### Response:\n", "s[::-1]", "Reverse s"));
        Map<String, String> models = Map.of("model", model("a", 11, false).toString(),
                "compare", model("b", 12, false).toString(), "judge", model("judge", 13, true).toString());
        KafkaTestClient.send(Topics.EVAL_SETS, EvalSet.of(job, new EvalSet.Payload("eval", "alpaca", examples, null, 6, 1, 64,
                EvalSet.WIN_RATE, models, new EvalSet.Decoding(0.7, 1.2, 3))));
        EvalCompleted done = KafkaTestClient.readUntil(Topics.EVAL_COMPLETED, new EvalCompletedDeserializer(), job,
                e -> true, Duration.ofMinutes(3)).get(0);
        Map<String, Double> m = done.payload().metrics();
        assertEquals(4.0, m.get("n"));
        assertEquals(1.0, m.get("win_rate") + m.get("tie_rate") + m.get("loss_rate"), 1e-9);
        assertTrue(m.get("win_rate_ci_low") <= m.get("win_rate") && m.get("win_rate") <= m.get("win_rate_ci_high"));

        JsonPath view = given().get("/v1/evals/" + job).then().statusCode(200).extract().jsonPath();
        List<Float> a = view.getList("examples.findAll { it.model == 'a' }.score", Float.class);
        List<Float> b = view.getList("examples.findAll { it.model == 'b' }.score", Float.class);
        long wins = 0;
        for (int i = 0; i < a.size(); i++) {
            wins += a.get(i) > b.get(i) ? 1 : 0;
        }
        assertEquals(wins / 4.0, m.get("win_rate"), 1e-9, "the win-rate is what the stored judge rewards say");
    }
}
