package dev.tuneline.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tuneline.llm.data.Collator;
import dev.tuneline.llm.data.DatasetLoader;
import dev.tuneline.llm.data.EncodeReport;
import dev.tuneline.llm.data.EncodedPair;
import dev.tuneline.llm.data.EncodedSft;
import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.PreferenceEncoder;
import dev.tuneline.llm.data.PreferenceReport;
import dev.tuneline.llm.data.PreferenceRow;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.data.SftEncoder;
import dev.tuneline.llm.data.Splits;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.registry.BaseModelRef;
import dev.tuneline.llm.registry.BaseModelResolver;
import dev.tuneline.llm.registry.BaseModels;
import dev.tuneline.llm.score.RewardScorer;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import dev.tuneline.llm.train.BatchSource;
import dev.tuneline.llm.train.PairBatch;
import dev.tuneline.llm.train.RewardTrainer;
import dev.tuneline.llm.train.SftTrainer;
import dev.tuneline.llm.train.TokenBatch;
import dev.tuneline.llm.train.TrainResult;
import dev.tuneline.llm.train.TrainerCore;
import dev.tuneline.llm.train.TrainingConfig;
import dev.tuneline.llm.train.TrainingListener;
import dev.tuneline.llm.train.TrainingProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneline train sft --config FILE}: the sft-worker's trainer without Kafka, with a progress bar. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train locally (no Kafka): tuneline train sft|reward --config FILE")
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Job type: sft (causal LM, masked cross-entropy) or reward (scalar head, Bradley-Terry)")
    String type;
    @Option(names = "--config", required = true, description = """
            JSON or YAML: {model, dataset, template, filter, maxRows, evalRatio, seed, hiddenSize, layers, \
            training: {TrainingArguments-style fields, e.g. max_steps, per_device_train_batch_size, learning_rate, \
            output_dir, lora: {r, lora_alpha, target_modules}}}""")
    Path config;
    @Option(names = "--model-root", defaultValue = ".stack/models", description = "Where named base models are looked up")
    Path modelRoot;

    @Override
    public Integer call() throws Exception {
        if (!"sft".equals(type) && !"reward".equals(type)) {
            System.err.println("the job type is sft or reward, got '" + type + "'");
            return 2;
        }
        String name = config.getFileName().toString();
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        JsonNode root = mapper.readTree(config.toFile());
        Path dataRoot = Path.of(System.getProperty("tuneline.data-root", "../shared/data"));
        TrainingConfig training = TrainingConfig.fromJson(root.path("training").toString());
        if (training.outputDir() == null) {
            training = training.toBuilder().optOutputDir("runs/" + type).build();
        }
        BaseModelRef ref = new BaseModelResolver(dataRoot, modelRoot).resolve(root.path("model").asText("tiny-gpt2"));
        return "sft".equals(type) ? sft(root, dataRoot, training, ref) : reward(root, dataRoot, training, ref);
    }

    private static <T> List<T> cap(JsonNode root, List<T> rows) {
        int maxRows = root.path("maxRows").asInt(0);
        return maxRows > 0 && rows.size() > maxRows ? rows.subList(0, maxRows) : rows;
    }

    private static LmConfig modelConfig(JsonNode root, BaseModelRef ref, TextTokenizer tok, TrainingConfig training) {
        return BaseModels.config(ref, tok, root.has("hiddenSize") ? root.get("hiddenSize").asInt() : null,
                root.has("layers") ? root.get("layers").asInt() : null, training.maxSeqLength() + 64);
    }

    private int sft(JsonNode root, Path dataRoot, TrainingConfig training, BaseModelRef ref) throws Exception {
        String template = root.path("template").asText("alpaca");
        List<InstructionRow> rows = new DatasetLoader().loadInstructions(Path.of(root.path("dataset").asText(
                dataRoot.resolve("sft/code_alpaca_2k.json").toString())));
        rows = cap(root, Splits.filter(rows, Splits.filterByName(root.path("filter").asText("all"))));
        var split = Splits.trainEvalSplit(rows, root.path("evalRatio").asDouble(0.2), root.path("seed").asLong(42));
        try (TextTokenizer raw = TextTokenizer.load(ref.tokenizerDir()); NDManager manager = NDManager.newBaseManager()) {
            TextTokenizer tok = raw.withEosPaddingIfMissing();
            EncodeReport report = new SftEncoder(tok, PromptTemplate.byName(template), training.maxSeqLength()).encodeAll(split.train());
            System.err.println("data: " + report.summary());
            Collator collator = Collator.forTokenizer(tok);
            BatchSource<TokenBatch> data = BatchSource.shuffled(report.encoded(), training.perDeviceBatchSize(),
                    training.seed(), (List<EncodedSft> chunk) -> {
                        var b = collator.collate(chunk);
                        return new TokenBatch(b.inputIds(), b.labels(), b.attentionMask());
                    });
            CausalLm model = BaseModels.causalLm(ref, modelConfig(root, ref, tok, training), manager, training.seed());
            try (SftTrainer trainer = SftTrainer.of(model, training)) {
                return finish(trainer, data, null, tok, "sft", template, training);
            }
        }
    }

    private int reward(JsonNode root, Path dataRoot, TrainingConfig training, BaseModelRef ref) throws Exception {
        List<PreferenceRow> rows = cap(root, new DatasetLoader().loadPreferences(Path.of(root.path("dataset").asText(
                dataRoot.resolve("preference/hh_helpful_pairs.jsonl").toString()))));
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the preference dataset has no rows");
        }
        // HH-RLHF prompts already hold "\n\nHuman: ... \n\nAssistant:", as the dataset-service decides
        String template = root.path("template").asText(rows.get(0).prompt().startsWith("\n\nHuman:") ? "raw"
                : "human-assistant");
        var split = Splits.trainEvalSplit(rows, root.path("evalRatio").asDouble(0.2), root.path("seed").asLong(42));
        try (TextTokenizer raw = TextTokenizer.load(ref.tokenizerDir()); NDManager manager = NDManager.newBaseManager()) {
            TextTokenizer tok = raw.withEosPaddingIfMissing();
            PreferenceEncoder encoder = new PreferenceEncoder(tok, PromptTemplate.byName(template), training.maxSeqLength());
            PreferenceReport train = encoder.encodeAll(split.train());
            PreferenceReport held = encoder.encodeAll(split.eval());
            System.err.println("data: " + train.summary() + "; held out: " + held.pairs().size() + " pairs");
            Collator collator = Collator.forTokenizer(tok);
            int bs = training.perDeviceBatchSize();
            BatchSource<PairBatch> data = BatchSource.shuffled(train.pairs(), bs, training.seed(),
                    (List<EncodedPair> chunk) -> pairs(collator.collatePairs(chunk)));
            List<PairBatch> evalBatches = new ArrayList<>();
            for (int i = 0; i < held.pairs().size(); i += bs) {
                evalBatches.add(pairs(collator.collatePairs(held.pairs().subList(i, Math.min(i + bs, held.pairs().size())))));
            }
            RewardModel model = BaseModels.rewardModel(ref, modelConfig(root, ref, tok, training), manager, training.seed());
            try (RewardTrainer trainer = RewardTrainer.of(model, training)) {
                return finish(trainer, data, evalBatches.isEmpty() ? null : BatchSource.of(evalBatches), tok, "reward",
                        template, training);
            }
        }
    }

    private static PairBatch pairs(dev.tuneline.llm.data.PairBatch b) {
        return new PairBatch(b.chosenIds(), b.chosenMask(), b.rejectedIds(), b.rejectedMask(), b.margins());
    }

    /** Resumes from output_dir's last checkpoint, trains, saves tokenizer and scoring info, prints the result. */
    private static <B> int finish(TrainerCore<B> trainer, BatchSource<B> data, BatchSource<B> eval, TextTokenizer tok,
            String jobType, String template, TrainingConfig training) throws Exception {
        Path out = Path.of(training.outputDir());
        var last = TrainerCore.latestCheckpoint(out);
        if (last.isPresent()) {
            System.err.println("resuming from " + last.get());
            trainer.resumeFrom(last.get());
        }
        TrainResult r = trainer.train(data, eval, new ProgressBar());
        System.err.println();
        tok.saveTo(r.finalModelDir());
        RewardScorer.writeTrainingInfo(r.finalModelDir(), jobType, template, training.maxSeqLength());
        System.out.printf(Locale.ROOT, "trained %d steps in %.1f s, train loss %.4f, last loss %.4f, %.0f tokens/s%n",
                r.globalStep(), r.elapsed().toMillis() / 1000.0, r.trainLoss(), r.lastLoss(), r.tokensPerSecond());
        if (r.evalMetrics() != null) {
            r.evalMetrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "%s %.4f%n", k, v));
        }
        System.out.println("model: " + r.finalModelDir());
        return Files.exists(r.finalModelDir().resolve("config.json")) ? 0 : 1;
    }

    /** A one-line progress bar on stderr. */
    static final class ProgressBar implements TrainingListener {
        @Override
        public void onStep(TrainingProgress p) {
            int width = 30;
            int filled = (int) Math.round(width * (double) p.step() / Math.max(1, p.totalSteps()));
            System.err.printf(Locale.ROOT, "\r[%s%s] %d/%d loss %.4f lr %.2e %.0f tok/s ETA %ds   ",
                    "#".repeat(filled), "-".repeat(width - filled), p.step(), p.totalSteps(), p.loss(), p.learningRate(),
                    p.tokensPerSecond(), p.eta().toSeconds());
        }
    }
}
