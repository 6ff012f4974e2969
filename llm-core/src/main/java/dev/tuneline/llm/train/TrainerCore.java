package dev.tuneline.llm.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.tuneline.llm.model.NoGrad;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop shared by {@link SftTrainer} and {@link RewardTrainer}: gradient accumulation normalised over the
 * whole window, global-norm clipping, {@link AdamW}, {@link LrScheduler}, logging, evaluation, checkpoints and exact
 * resume. Runs on the calling thread; one trainer per JVM trains at a time (DJL's PyTorch gradient collector is a
 * process-wide singleton).
 *
 * <p>One optimizer step: the next {@code gradient_accumulation_steps} micro-batches of the current epoch are read,
 * the window's normaliser N (target tokens for SFT, pairs for reward) is counted, each micro-batch runs forward and
 * backward on {@code lossSum / N} in its own NDManager, then the gradients are clipped, AdamW steps and zeroes them.
 * The engine's random seed is set to a function of (seed, step) before each step, so dropout is reproducible on
 * resume. Each step's tensors live in a sub-manager closed at the end of the step.
 *
 * @param <B> the batch type
 */
public abstract class TrainerCore<B> implements AutoCloseable {
    /** The directory under {@code output_dir} that receives the final model. */
    public static final String FINAL_DIR = "final";

    private final Block model;
    private final LinkedHashMap<String, Parameter> trainable;
    private final TrainingConfig config;
    private final ModelWriter writer;
    private final AdamW optimizer;
    private final NDManager modelManager;
    private final Device device;
    private final Path outputDir;
    private volatile boolean stopRequested;
    private volatile boolean abortRequested;

    private LrScheduler scheduler;
    private int resumedBatchesPerEpoch = -1;
    private int batchesPerEpoch = -1;
    private int globalStep;
    private int epoch;
    private int batchIndex;
    private final List<Map<String, Object>> logHistory = new ArrayList<>();
    private Path lastCheckpoint;

    /**
     * A trainer of {@code trainable} (name → parameter, all initialised and requiring gradients, on the config's
     * device) inside {@code model}. {@code writer} saves the final model (null: only the trainer's own files).
     */
    protected TrainerCore(Block model, Map<String, Parameter> trainable, TrainingConfig config, ModelWriter writer) {
        this.model = model;
        this.config = config;
        this.writer = writer;
        this.trainable = new LinkedHashMap<>(trainable);
        if (this.trainable.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameters");
        }
        this.device = config.resolveDevice();
        for (Map.Entry<String, Parameter> e : this.trainable.entrySet()) {
            Parameter p = e.getValue();
            if (!p.isInitialized()) {
                throw new IllegalArgumentException("trainable parameter " + e.getKey() + " is not initialised");
            }
            if (!p.requiresGradient() || !p.getArray().hasGradient()) {
                throw new IllegalArgumentException("trainable parameter " + e.getKey() + " does not require gradients");
            }
            if (!p.getArray().getDevice().equals(device)) {
                throw new IllegalArgumentException("trainable parameter " + e.getKey() + " is on "
                        + p.getArray().getDevice() + " but device is " + config.device()
                        + "; create the model with an NDManager on that device");
            }
        }
        this.modelManager = this.trainable.values().iterator().next().getArray().getManager();
        this.optimizer = AdamW.of(this.trainable, config);
        this.outputDir = config.outputDir() == null ? null : Path.of(config.outputDir());
    }

    // ---- hooks -----------------------------------------------------------------------------------------------

    /** Units the window's loss is normalised by (SFT: target tokens; reward: pairs). */
    protected abstract long normaliserUnits(B batch);

    /** Attended tokens of a batch, for tokens/s. */
    protected abstract long attendedTokens(B batch);

    /** Sequence length of a batch, checked against {@code max_seq_length}. */
    protected abstract int seqLength(B batch);

    /** The summed (not averaged) loss of one micro-batch as a scalar in {@code m}; differentiable when training. */
    protected abstract NDArray lossSum(NDManager m, B batch, boolean training);

    /** Evaluates all batches of epoch 0 of {@code data} without gradients; keys start with {@code eval_}. */
    protected abstract Map<String, Double> evaluateAll(BatchSource<B> data);

    /** Runs the model on {@code inputs} with parameters as they are (no copies). */
    /** The model being trained. */
    protected final Block model() {
        return model;
    }

    protected final NDList forward(NDManager m, NDList inputs, boolean training) {
        return model.forward(new ParameterStore(m, false), inputs, training);
    }

    /** A fresh sub-manager of the model's manager (on the training device); close it. */
    protected final NDManager newStepManager() {
        return modelManager.newSubManager(device);
    }

    // ---- public API ------------------------------------------------------------------------------------------

    /** The configuration. */
    public TrainingConfig config() {
        return config;
    }

    /** The trainable parameters by name. */
    public Map<String, Parameter> trainableParameters() {
        return Collections.unmodifiableMap(trainable);
    }

    /** The optimizer (state inspection). */
    public AdamW optimizer() {
        return optimizer;
    }

    /** Completed optimizer steps (restored by {@link #resumeFrom}). */
    public int globalStep() {
        return globalStep;
    }

    /** The schedule in use (null before {@link #train} or {@link #resumeFrom}). */
    public LrScheduler scheduler() {
        return scheduler;
    }

    /**
     * Asks the loop to stop after the current step (or before the first one if called before {@link #train});
     * thread-safe. The trainer then checkpoints (when {@code output_dir} is set) and returns with
     * {@link TrainResult#stopped()}.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Asks the loop to stop after the current step without writing anything (no checkpoint, no final model): for a
     * worker that learned another worker now owns the job and its output directory. Thread-safe.
     */
    public void requestAbort() {
        abortRequested = true;
        stopRequested = true;
    }

    /** Evaluates {@code data} now (no gradients). */
    public Map<String, Double> evaluate(BatchSource<B> data) {
        try (NoGrad off = NoGrad.enter()) {
            return evaluateAll(data);
        }
    }

    /**
     * Trains until {@code total steps} (from {@code max_steps} or epochs) or a stop request. {@code eval} may be
     * null. Checkpoints every {@code save_steps} and at the end when {@code output_dir} is set; the final model
     * goes to {@code output_dir/final} through the {@link ModelWriter}.
     */
    public TrainResult train(BatchSource<B> data, BatchSource<B> eval, TrainingListener listener) {
        // grad mode on only inside each window's GradientCollector: the in-place optimizer and clipping updates of
        // leaf parameters need it off, whatever thread the trainer runs on
        try (NoGrad off = NoGrad.enter()) {
            return trainLoop(data, eval, listener);
        }
    }

    private TrainResult trainLoop(BatchSource<B> data, BatchSource<B> eval, TrainingListener listener) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        int nb = data.batchesPerEpoch();
        if (nb < 1) {
            throw new IllegalArgumentException("training data has no batches");
        }
        if (resumedBatchesPerEpoch > 0 && resumedBatchesPerEpoch != nb) {
            throw new IllegalArgumentException("the checkpoint was taken on data of " + resumedBatchesPerEpoch
                    + " batches per epoch, this data has " + nb + "; resume needs the same data and batch size");
        }
        batchesPerEpoch = nb;
        if (scheduler == null) {
            scheduler = LrScheduler.of(config, config.totalSteps(nb));
        }
        int total = scheduler.totalSteps();
        int accum = config.gradientAccumulationSteps();
        long runStart = System.nanoTime();
        int runSteps = 0;
        long runTokens = 0;
        double runLossSum = 0;
        double lastLoss = Double.NaN;
        double logLossSum = 0;
        int logCount = 0;
        long logTokens = 0;
        long logTrainNanos = 0;
        Map<String, Double> lastEval = Map.of();
        int lastEvalStep = -1;
        int lastSaveStep = -1;

        while (globalStep < total && !stopRequested) {
            long stepStart = System.nanoTime();
            if (batchIndex >= nb) {
                epoch++;
                batchIndex = 0;
            }
            int end = Math.min(batchIndex + accum, nb);
            List<B> window = new ArrayList<>(end - batchIndex);
            long units = 0;
            long tokens = 0;
            for (int i = batchIndex; i < end; i++) {
                B b = data.batch(epoch, i);
                if (seqLength(b) > config.maxSeqLength()) {
                    throw new IllegalArgumentException("epoch " + epoch + " batch " + i + ": sequence length "
                            + seqLength(b) + " exceeds max_seq_length " + config.maxSeqLength());
                }
                window.add(b);
                units += normaliserUnits(b);
                tokens += attendedTokens(b);
            }
            double lr = scheduler.lr(globalStep);
            Engine.getInstance().setRandomSeed(stepSeed(config.seed(), globalStep));
            double loss = backwardWindow(window, units);
            if (!Double.isFinite(loss)) {
                optimizer.zeroGradients();
                throw new IllegalStateException("non-finite loss " + loss + " at step " + (globalStep + 1)
                        + " (epoch " + epoch + ", batches " + batchIndex + ".." + (end - 1) + ")");
            }
            double gradNorm = GradientClipper.clip(trainable.values(), config.maxGradNorm());
            optimizer.step(lr);
            globalStep++;
            batchIndex = end;
            runSteps++;
            runTokens += tokens;
            runLossSum += loss;
            lastLoss = loss;
            logLossSum += loss;
            logCount++;
            logTokens += tokens;

            long now = System.nanoTime();
            Duration elapsed = Duration.ofNanos(now - runStart);
            Duration eta = Duration.ofNanos((long) ((double) (now - runStart) / runSteps * (total - globalStep)));
            double stepTps = tokens / Math.max(1e-9, (now - stepStart) / 1e9);
            logTrainNanos += now - stepStart;
            l.onStep(new TrainingProgress(globalStep, total, epochProgress(nb), loss, lr, gradNorm, stepTps, runTokens,
                    elapsed, eta));
            if (globalStep % config.loggingSteps() == 0 || globalStep == total) {
                double tps = logTokens / Math.max(1e-9, logTrainNanos / 1e9); // training time only, no eval/save
                TrainingProgress p = new TrainingProgress(globalStep, total, epochProgress(nb), logLossSum / logCount,
                        lr, gradNorm, tps, runTokens, elapsed, eta);
                recordLog(p);
                l.onLog(p);
                logLossSum = 0;
                logCount = 0;
                logTokens = 0;
                logTrainNanos = 0;
            }
            if (eval != null && config.evalSteps() > 0 && globalStep % config.evalSteps() == 0) {
                lastEval = evaluateAll(eval);
                lastEvalStep = globalStep;
                recordEval(lastEval);
                l.onEval(globalStep, lastEval);
            }
            if (outputDir != null && config.saveSteps() > 0 && globalStep % config.saveSteps() == 0) {
                l.onCheckpoint(globalStep, saveCheckpoint());
                lastSaveStep = globalStep;
            }
        }
        boolean stopped = globalStep < total;
        boolean aborted = abortRequested && stopped;
        stopRequested = false;
        abortRequested = false;
        if (!stopped && eval != null && lastEvalStep != globalStep) {
            lastEval = evaluateAll(eval);
            recordEval(lastEval);
            l.onEval(globalStep, lastEval);
        }
        Path finalDir = null;
        if (outputDir != null && !aborted) {
            if (lastSaveStep != globalStep && runSteps > 0) {
                l.onCheckpoint(globalStep, saveCheckpoint());
            }
            if (!stopped) {
                finalDir = writeFinal();
            }
        }
        double seconds = (System.nanoTime() - runStart) / 1e9;
        return new TrainResult(globalStep, total, epochProgress(nb), runSteps == 0 ? Double.NaN : runLossSum / runSteps,
                lastLoss, lastEval, stopped, lastCheckpoint, finalDir, runTokens / Math.max(seconds, 1e-9),
                Duration.ofNanos(System.nanoTime() - runStart));
    }

    /**
     * Forward and backward of every micro-batch of a window, each on {@code lossSum / units}, leaving the summed
     * gradients in the parameters; returns the window's loss (summed loss / units).
     */
    double backwardWindow(List<B> window, long units) {
        double lossSum = 0;
        boolean done = false;
        try (NDManager step = newStepManager()) {
            NDArray denominator = step.create((float) Math.max(units, 1));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                for (B b : window) {
                    try (NDManager micro = step.newSubManager()) {
                        NDArray s = lossSum(micro, b, true);
                        gc.backward(s.div(denominator));
                        lossSum += s.getFloat();
                    }
                }
            }
            done = true;
        } finally {
            if (!done) {
                optimizer.zeroGradients(); // a failed window must not leak half-accumulated gradients into the next
            }
        }
        return lossSum / Math.max(units, 1);
    }

    /** The engine seed used for optimizer step {@code step} (0-based). */
    static int stepSeed(long seed, int step) {
        return (int) Math.floorMod(seed * 1_000_003L + step, Integer.MAX_VALUE);
    }

    private double epochProgress(int nb) {
        return epoch + (double) batchIndex / nb;
    }

    private void recordLog(TrainingProgress p) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("step", p.step());
        e.put("epoch", p.epoch());
        e.put("loss", p.loss());
        e.put("learning_rate", p.learningRate());
        e.put("grad_norm", p.gradNorm());
        e.put("tokens_per_second", p.tokensPerSecond());
        logHistory.add(e);
    }

    private void recordEval(Map<String, Double> metrics) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("step", globalStep);
        e.putAll(metrics);
        logHistory.add(e);
    }

    // ---- checkpoints -----------------------------------------------------------------------------------------

    /** Writes {@code output_dir/checkpoint-STEP} now and prunes old ones to {@code save_total_limit}. */
    public Path saveCheckpoint() {
        if (outputDir == null) {
            throw new IllegalStateException("output_dir is not set");
        }
        try {
            TrainerState state = new TrainerState(globalStep, epoch, batchIndex, batchesPerEpoch, config.seed(),
                    stepSeed(config.seed(), globalStep), new ArrayList<>(logHistory), config);
            Path dir = TrainingCheckpoints.write(outputDir, globalStep, tmp -> {
                TrainingCheckpoints.writeParameters(tmp, trainable);
                optimizer.save(tmp);
                TrainingCheckpoints.writeScheduler(tmp, scheduler);
                TrainingCheckpoints.writeState(tmp, state);
                if (writer != null) {
                    writer.writeCheckpoint(tmp);
                }
            });
            TrainingCheckpoints.prune(outputDir, config.saveTotalLimit());
            lastCheckpoint = dir;
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + globalStep + " under " + outputDir, e);
        }
    }

    /**
     * Restores weights of the trainable parameters, optimizer, scheduler, step, data cursor and history from a
     * checkpoint directory written by this trainer; the next {@link #train} continues where it stopped. The batch
     * size and accumulation must match the checkpoint's.
     */
    public void resumeFrom(Path checkpointDir) throws IOException {
        TrainerState state = TrainingCheckpoints.readState(checkpointDir);
        TrainingConfig saved = state.config();
        if (saved.perDeviceBatchSize() != config.perDeviceBatchSize()
                || saved.gradientAccumulationSteps() != config.gradientAccumulationSteps()) {
            throw new IllegalArgumentException("cannot resume " + checkpointDir + ": it was trained with batch "
                    + saved.perDeviceBatchSize() + " x accumulation " + saved.gradientAccumulationSteps()
                    + ", this run has " + config.perDeviceBatchSize() + " x " + config.gradientAccumulationSteps());
        }
        TrainingCheckpoints.readParameters(checkpointDir, trainable);
        optimizer.load(checkpointDir);
        scheduler = TrainingCheckpoints.readScheduler(checkpointDir);
        globalStep = state.globalStep();
        epoch = state.epoch();
        batchIndex = state.batchIndex();
        resumedBatchesPerEpoch = state.batchesPerEpoch();
        logHistory.clear();
        logHistory.addAll(state.logHistory());
        lastCheckpoint = checkpointDir;
    }

    /** The newest complete {@code checkpoint-N} under {@code outputDir}, if any (what a restarted worker resumes). */
    public static Optional<Path> latestCheckpoint(Path outputDir) {
        return TrainingCheckpoints.latest(outputDir);
    }

    /** Deletes a directory tree (an output dir, a job's files); does nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        TrainingCheckpoints.deleteTree(dir);
    }

    private Path writeFinal() {
        Path dir = outputDir.resolve(FINAL_DIR);
        try {
            TrainingCheckpoints.deleteTree(dir);
            Files.createDirectories(dir);
            if (writer != null) {
                writer.writeFinal(dir);
            } else {
                TrainingCheckpoints.writeParameters(dir, trainable);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the final model to " + dir, e);
        }
    }

    /** Frees the optimizer state (the model stays with its owner). */
    @Override
    public void close() {
        optimizer.close();
    }
}
