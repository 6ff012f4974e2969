package dev.tuneline.worker;

import ai.djl.ndarray.NDManager;
import dev.tuneline.events.BatchMessage;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.events.JobConfig;
import dev.tuneline.events.JobProgress;
import dev.tuneline.events.ModelReady;
import dev.tuneline.llm.lora.LoraConfig;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.registry.BaseModelRef;
import dev.tuneline.llm.registry.BaseModelResolver;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import dev.tuneline.llm.train.BatchSource;
import dev.tuneline.llm.train.SchedulerType;
import dev.tuneline.llm.train.TrainResult;
import dev.tuneline.llm.train.TrainerCore;
import dev.tuneline.llm.train.TrainingConfig;
import dev.tuneline.llm.train.TrainingListener;
import dev.tuneline.llm.train.TrainingProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one training job from its verified spool: builds the base model, trains with llm-core's trainer (resuming
 * from the job's last checkpoint if a previous worker died), reports progress, and saves the final model with its
 * tokenizer in HuggingFace layout. Used by sft-worker and reward-worker alike.
 *
 * <p>Layout under {@code <model root>/jobs/<jobId>/}: {@code spool/} (batches), {@code base/} (the untrained
 * model when it was randomly initialised, for comparisons), {@code run/checkpoint-N/}, {@code run/final/}.
 *
 * @param <M> the batch message type on the wire
 * @param <B> the trainer's batch type
 */
public final class JobRunner<M extends BatchMessage, B> {
    /** How a worker builds its trainer and saves its untrained base. */
    public interface TrainerFactory<B> {
        /** A trainer for the base; {@code saveBase} is where to save the untrained model (random init only), or null. */
        TrainerCore<B> create(BaseModelRef ref, LmConfig config, NDManager manager, TrainingConfig training, Path saveBase)
                throws IOException;
    }

    private final String jobType;
    private final Class<M> messageType;
    private final Function<M, B> toBatch;
    private final TrainerFactory<B> factory;

    /** A runner for one job type. */
    public JobRunner(String jobType, Class<M> messageType, Function<M, B> toBatch, TrainerFactory<B> factory) {
        this.jobType = jobType;
        this.messageType = messageType;
        this.toBatch = toBatch;
        this.factory = factory;
    }

    /** The directory of a job under the model root. */
    public static Path jobDir(Path modelRoot, UUID jobId) {
        return modelRoot.resolve("jobs").resolve(jobId.toString());
    }

    /** The job's spool. */
    public static BatchSpool spool(Path modelRoot, UUID jobId) {
        return new BatchSpool(jobDir(modelRoot, jobId).resolve("spool"));
    }

    /**
     * Trains the job whose spool is complete. {@code onTrainer} receives the trainer (so a shutdown can ask it to
     * stop and checkpoint); {@code progress} gets a report every logging step.
     */
    public ModelReady.Payload run(UUID jobId, Path dataRoot, Path modelRoot, Consumer<TrainerCore<?>> onTrainer,
            Consumer<JobProgress.Payload> progress) throws IOException {
        BatchSpool spool = spool(modelRoot, jobId);
        BatchesEnd end = spool.end().orElseThrow(() -> new IllegalStateException("job " + jobId + " has no end marker"));
        List<M> messages = spool.verifiedBatches(messageType);
        List<B> batches = new ArrayList<>(messages.size());
        messages.forEach(m -> batches.add(toBatch.apply(m)));

        JobConfig job = end.payload().config() == null ? JobConfig.defaults() : end.payload().config();
        Path dir = jobDir(modelRoot, jobId);
        Path runDir = dir.resolve("run");
        BaseModelRef ref = new BaseModelResolver(dataRoot, modelRoot).resolve(end.payload().baseModel());
        TrainingConfig training = trainingConfig(job, runDir);
        try (TextTokenizer tok = TextTokenizer.load(Path.of(end.payload().tokenizerDir())).withEosPaddingIfMissing();
                NDManager manager = NDManager.newBaseManager()) {
            LmConfig config = dev.tuneline.llm.registry.BaseModels.config(ref, tok, job.hiddenSize(), job.layers(),
                    job.maxSeqLengthOr() + job.maxNewTokensOr());
            Path baseDir = ref.hasWeights() ? ref.modelDir() : dir.resolve("base");
            try (TrainerCore<B> trainer = factory.create(ref, config, manager, training,
                    ref.hasWeights() || Files.exists(baseDir.resolve("config.json")) ? null : baseDir)) {
                if (!ref.hasWeights() && Files.isDirectory(baseDir)) {
                    tok.saveTo(baseDir);
                }
                Optional<Path> last = TrainerCore.latestCheckpoint(runDir);
                if (last.isPresent()) {
                    trainer.resumeFrom(last.get());
                }
                onTrainer.accept(trainer);
                List<double[]> curve = new ArrayList<>();
                TrainResult result = trainer.train(BatchSource.of(batches), null, new TrainingListener() {
                    @Override
                    public void onLog(TrainingProgress p) {
                        curve.add(new double[] {p.step(), p.loss()});
                        progress.accept(new JobProgress.Payload("train", p.step(), p.totalSteps(), p.epoch(), p.loss(),
                                p.learningRate(), p.gradNorm(), p.tokensPerSecond(), p.eta().toMillis() / 1000.0));
                    }
                });
                if (result.stopped()) {
                    throw new StoppedException("job " + jobId + " stopped at step " + result.globalStep()
                            + ", checkpoint " + result.lastCheckpoint());
                }
                Path finalDir = result.finalModelDir();
                tok.saveTo(finalDir);
                dev.tuneline.llm.score.RewardScorer.writeTrainingInfo(finalDir, jobType,
                        job.template() == null ? ("sft".equals(jobType) ? "alpaca" : "human-assistant") : job.template(),
                        job.maxSeqLengthOr());
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("steps", (double) result.globalStep());
                metrics.put("train_loss", result.trainLoss());
                metrics.put("last_loss", result.lastLoss());
                if (!curve.isEmpty()) {
                    metrics.put("first_logged_loss", curve.get(0)[1]);
                }
                metrics.put("tokens_per_second", result.tokensPerSecond());
                metrics.put("seconds", result.elapsed().toMillis() / 1000.0);
                metrics.put("rows", (double) end.payload().rowCount());
                // rows the dataset could not use (e.g. response truncated away): visible on the job, not only in logs
                metrics.put("rows_skipped", (double) (end.payload().skippedRows() == null ? 0
                        : end.payload().skippedRows().size()));
                metrics.putAll(result.evalMetrics() == null ? Map.of() : result.evalMetrics());
                return new ModelReady.Payload(jobType, finalDir.toString(), baseDir.toString(), metrics);
            }
        }
    }

    /** The trainer settings for a job (the TrainingArguments users know, from the job's config). */
    public static TrainingConfig trainingConfig(JobConfig job, Path runDir) {
        int steps = job.maxStepsOr();
        TrainingConfig.Builder b = TrainingConfig.builder()
                .optMaxSteps(steps)
                .optPerDeviceBatchSize(job.batchSizeOr())
                .optGradientAccumulationSteps(job.gradientAccumulationStepsOr())
                .optLearningRate(job.learningRateOr())
                .optWarmupRatio(job.warmupRatioOr())
                .optSchedulerType(SchedulerType.valueOf(job.schedulerOr().toUpperCase(Locale.ROOT)))
                .optMaxGradNorm(1.0)
                .optWeightDecay(0.0)
                .optSeed(job.seedOr())
                .optLoggingSteps(Math.max(1, steps / 10))
                .optSaveSteps(Math.max(5, steps / 3))
                .optSaveTotalLimit(2)
                .optMaxSeqLength(job.maxSeqLengthOr())
                .optOutputDir(runDir.toString());
        if (job.loraRank() != null) {
            LoraConfig d = LoraConfig.defaults();
            b.optLora(new LoraConfig(job.loraRank(), job.loraAlpha() == null ? 2f * job.loraRank() : job.loraAlpha().floatValue(),
                    d.dropout(), job.loraTargets() == null ? d.targetModules() : job.loraTargets()));
        }
        return b.build();
    }

    /** The job was stopped (shutdown) after checkpointing; another worker resumes it. */
    public static final class StoppedException extends RuntimeException {
        /** With where it stopped. */
        public StoppedException(String message) {
            super(message);
        }
    }
}
