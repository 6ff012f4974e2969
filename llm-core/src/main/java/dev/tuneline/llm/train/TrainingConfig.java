package dev.tuneline.llm.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.tuneline.llm.lora.LoraConfig;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training hyper-parameters, named and defaulted as HF {@code TrainingArguments} (JSON/YAML keys are HF's
 * snake_case names; the Java camelCase names are accepted as aliases).
 *
 * <ul>
 *   <li>{@code num_train_epochs} (3.0) or {@code max_steps} (-1 = derive from epochs; when &gt; 0 it wins and the
 *       data repeats as needed). One optimizer step = {@code gradient_accumulation_steps} micro-batches of
 *       {@code per_device_train_batch_size} rows; the last window of an epoch may hold fewer micro-batches.</li>
 *   <li>{@code learning_rate} (5e-5), {@code weight_decay} (0), {@code adam_beta1/2} (0.9/0.999),
 *       {@code adam_epsilon} (1e-8): torch AdamW; no decay on biases and LayerNorm weights (see {@link AdamW}).</li>
 *   <li>{@code lr_scheduler_type} (linear | cosine | constant | constant_with_warmup), {@code warmup_steps}
 *       (0) or else {@code warmup_ratio} (0) of the total steps, rounded up.</li>
 *   <li>{@code max_grad_norm} (1.0; 0 disables clipping): global L2 norm over all trainable gradients.</li>
 *   <li>{@code seed} (42), {@code logging_steps} (500), {@code save_steps} (500; 0 = only at the end),
 *       {@code eval_steps} (0 = only at the end), {@code save_total_limit} (0 = keep all checkpoints),
 *       {@code max_seq_length} (1024; longer batches are rejected, truncation is the encoder's job).</li>
 *   <li>{@code device}: cpu, gpu, gpu:N (cuda:N accepted); {@code precision}: fp32 only (bf16/fp16 rejected).</li>
 *   <li>{@code center_rewards_coefficient} (null): reward training only, TRL's {@code RewardConfig} field.</li>
 *   <li>{@code lora} (null = full fine-tuning): {@code {r, lora_alpha, lora_dropout, target_modules}} as PEFT
 *       (missing keys take the lab's r 16, alpha 32, dropout 0.05, [q_proj, v_proj]).</li>
 *   <li>{@code output_dir} (null = no checkpoints, no saved model).</li>
 * </ul>
 */
@JsonDeserialize(builder = TrainingConfig.Builder.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class TrainingConfig {
    private static final Pattern DEVICE = Pattern.compile("(cpu|gpu|cuda)(?::(\\d+))?");

    private final double numEpochs;
    private final int maxSteps;
    private final int perDeviceBatchSize;
    private final int perDeviceEvalBatchSize;
    private final int gradientAccumulationSteps;
    private final double learningRate;
    private final double weightDecay;
    private final double adamBeta1;
    private final double adamBeta2;
    private final double adamEpsilon;
    private final double warmupRatio;
    private final int warmupSteps;
    private final SchedulerType schedulerType;
    private final double maxGradNorm;
    private final long seed;
    private final int loggingSteps;
    private final int saveSteps;
    private final int evalSteps;
    private final int saveTotalLimit;
    private final int maxSeqLength;
    private final String device;
    private final String precision;
    private final Double centerRewardsCoefficient;
    private final LoraConfig lora;
    private final String outputDir;

    private TrainingConfig(Builder b) {
        numEpochs = b.numEpochs;
        maxSteps = b.maxSteps;
        perDeviceBatchSize = b.perDeviceBatchSize;
        perDeviceEvalBatchSize = b.perDeviceEvalBatchSize == null ? b.perDeviceBatchSize : b.perDeviceEvalBatchSize;
        gradientAccumulationSteps = b.gradientAccumulationSteps;
        learningRate = b.learningRate;
        weightDecay = b.weightDecay;
        adamBeta1 = b.adamBeta1;
        adamBeta2 = b.adamBeta2;
        adamEpsilon = b.adamEpsilon;
        warmupRatio = b.warmupRatio;
        warmupSteps = b.warmupSteps;
        schedulerType = b.schedulerType;
        maxGradNorm = b.maxGradNorm;
        seed = b.seed;
        loggingSteps = b.loggingSteps;
        saveSteps = b.saveSteps;
        evalSteps = b.evalSteps;
        saveTotalLimit = b.saveTotalLimit;
        maxSeqLength = b.maxSeqLength;
        device = b.device.trim().toLowerCase(Locale.ROOT);
        precision = b.precision.trim().toLowerCase(Locale.ROOT);
        centerRewardsCoefficient = b.centerRewardsCoefficient;
        lora = b.lora;
        outputDir = b.outputDir;
    }

    /** A builder with HF's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this config's values. */
    public Builder toBuilder() {
        return new Builder().optNumEpochs(numEpochs).optMaxSteps(maxSteps).optPerDeviceBatchSize(perDeviceBatchSize)
                .optPerDeviceEvalBatchSize(perDeviceEvalBatchSize)
                .optGradientAccumulationSteps(gradientAccumulationSteps).optLearningRate(learningRate)
                .optWeightDecay(weightDecay).optAdamBeta1(adamBeta1).optAdamBeta2(adamBeta2).optAdamEpsilon(adamEpsilon)
                .optWarmupRatio(warmupRatio).optWarmupSteps(warmupSteps).optSchedulerType(schedulerType)
                .optMaxGradNorm(maxGradNorm).optSeed(seed).optLoggingSteps(loggingSteps).optSaveSteps(saveSteps)
                .optEvalSteps(evalSteps).optSaveTotalLimit(saveTotalLimit).optMaxSeqLength(maxSeqLength)
                .optDevice(device).optPrecision(precision).optCenterRewardsCoefficient(centerRewardsCoefficient)
                .optLora(lora).optOutputDir(outputDir);
    }

    private static ObjectMapper mapper(boolean yaml) {
        ObjectMapper m = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        return m.enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Reads a config from a JSON file, or YAML when the name ends in .yaml/.yml; errors name the file and field. */
    public static TrainingConfig read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        try {
            return mapper(yaml).readValue(file.toFile(), TrainingConfig.class);
        } catch (IOException e) {
            throw new IOException("training config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a config from JSON text. */
    public static TrainingConfig fromJson(String json) throws IOException {
        return mapper(false).readValue(json, TrainingConfig.class);
    }

    /** This config as JSON with HF key names. */
    public String toJson() {
        try {
            return mapper(false).writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes this config as JSON (YAML when the name ends in .yaml/.yml). */
    public void write(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Files.writeString(file, mapper(name.endsWith(".yaml") || name.endsWith(".yml")).writeValueAsString(this));
    }

    /** Optimizer steps in the run: {@code max_steps} if set, else ceil(epochs * ceil(batches / accumulation)). */
    public int totalSteps(int batchesPerEpoch) {
        if (maxSteps > 0) {
            return maxSteps;
        }
        if (batchesPerEpoch < 1) {
            throw new IllegalArgumentException("training data has no batches");
        }
        int stepsPerEpoch = (batchesPerEpoch + gradientAccumulationSteps - 1) / gradientAccumulationSteps;
        return Math.max(1, (int) Math.ceil(numEpochs * stepsPerEpoch));
    }

    /** Warmup steps for a run of {@code totalSteps}: {@code warmup_steps} if &gt; 0, else ceil(ratio * total). */
    public int warmupSteps(int totalSteps) {
        return warmupSteps > 0 ? warmupSteps : (int) Math.ceil(totalSteps * warmupRatio);
    }

    /**
     * The DJL device named by {@code device}, checked against the engine ({@code gpu:N} needs N+1 visible GPUs).
     */
    public Device resolveDevice() {
        Matcher m = DEVICE.matcher(device);
        if (!m.matches()) {
            throw new IllegalArgumentException("device: '" + device + "' is not cpu, gpu or gpu:N");
        }
        if (m.group(1).equals("cpu")) {
            return Device.cpu();
        }
        int index = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int gpus = Engine.getInstance().getGpuCount();
        if (index >= gpus) {
            throw new IllegalArgumentException("device: " + device + " requested but the "
                    + Engine.getInstance().getEngineName() + " engine sees " + gpus + " GPU(s)");
        }
        return Device.gpu(index);
    }

    /** HF {@code num_train_epochs}. */
    @JsonProperty("num_train_epochs")
    public double numEpochs() {
        return numEpochs;
    }

    /** HF {@code max_steps}; -1 when epochs decide. */
    @JsonProperty("max_steps")
    public int maxSteps() {
        return maxSteps;
    }

    /** HF {@code per_device_train_batch_size}: rows per micro-batch. */
    @JsonProperty("per_device_train_batch_size")
    public int perDeviceBatchSize() {
        return perDeviceBatchSize;
    }

    /** HF {@code per_device_eval_batch_size}; defaults to the train batch size. */
    @JsonProperty("per_device_eval_batch_size")
    public int perDeviceEvalBatchSize() {
        return perDeviceEvalBatchSize;
    }

    /** HF {@code gradient_accumulation_steps}: micro-batches per optimizer step. */
    @JsonProperty("gradient_accumulation_steps")
    public int gradientAccumulationSteps() {
        return gradientAccumulationSteps;
    }

    /** HF {@code learning_rate}: the peak rate. */
    @JsonProperty("learning_rate")
    public double learningRate() {
        return learningRate;
    }

    /** HF {@code weight_decay} (decoupled, AdamW). */
    @JsonProperty("weight_decay")
    public double weightDecay() {
        return weightDecay;
    }

    /** HF {@code adam_beta1}. */
    @JsonProperty("adam_beta1")
    public double adamBeta1() {
        return adamBeta1;
    }

    /** HF {@code adam_beta2}. */
    @JsonProperty("adam_beta2")
    public double adamBeta2() {
        return adamBeta2;
    }

    /** HF {@code adam_epsilon}. */
    @JsonProperty("adam_epsilon")
    public double adamEpsilon() {
        return adamEpsilon;
    }

    /** HF {@code warmup_ratio}, used when warmup_steps is 0. */
    @JsonProperty("warmup_ratio")
    public double warmupRatio() {
        return warmupRatio;
    }

    /** HF {@code warmup_steps} as configured (0 = use the ratio). */
    @JsonProperty("warmup_steps")
    public int warmupSteps() {
        return warmupSteps;
    }

    /** HF {@code lr_scheduler_type}. */
    @JsonProperty("lr_scheduler_type")
    public SchedulerType schedulerType() {
        return schedulerType;
    }

    /** HF {@code max_grad_norm}; 0 disables clipping (the norm is still reported). */
    @JsonProperty("max_grad_norm")
    public double maxGradNorm() {
        return maxGradNorm;
    }

    /** HF {@code seed}: data order, LoRA init and dropout. */
    @JsonProperty("seed")
    public long seed() {
        return seed;
    }

    /** HF {@code logging_steps}. */
    @JsonProperty("logging_steps")
    public int loggingSteps() {
        return loggingSteps;
    }

    /** HF {@code save_steps}; 0 = only at the end. */
    @JsonProperty("save_steps")
    public int saveSteps() {
        return saveSteps;
    }

    /** HF {@code eval_steps}; 0 = only at the end. */
    @JsonProperty("eval_steps")
    public int evalSteps() {
        return evalSteps;
    }

    /** HF {@code save_total_limit}; 0 = keep every checkpoint. */
    @JsonProperty("save_total_limit")
    public int saveTotalLimit() {
        return saveTotalLimit;
    }

    /** TRL {@code max_seq_length}: the longest batch accepted. */
    @JsonProperty("max_seq_length")
    public int maxSeqLength() {
        return maxSeqLength;
    }

    /** cpu, gpu or gpu:N. */
    @JsonProperty("device")
    public String device() {
        return device;
    }

    /** fp32. */
    @JsonProperty("precision")
    public String precision() {
        return precision;
    }

    /** TRL {@code center_rewards_coefficient}; null = off. */
    @JsonProperty("center_rewards_coefficient")
    public Double centerRewardsCoefficient() {
        return centerRewardsCoefficient;
    }

    /** LoRA settings; null = full fine-tuning. */
    @JsonProperty("lora")
    @JsonSerialize(using = LoraJson.Serializer.class)
    public LoraConfig lora() {
        return lora;
    }

    /** HF {@code output_dir}; null = keep nothing on disk. */
    @JsonProperty("output_dir")
    public String outputDir() {
        return outputDir;
    }

    @Override
    public String toString() {
        return "TrainingConfig" + toJson().replaceAll("\\s+", " ");
    }

    /** Builder for {@link TrainingConfig}; {@link #build()} validates and names the offending field. */
    @JsonPOJOBuilder(withPrefix = "opt", buildMethodName = "build")
    public static final class Builder {
        private double numEpochs = 3.0;
        private int maxSteps = -1;
        private int perDeviceBatchSize = 8;
        private Integer perDeviceEvalBatchSize;
        private int gradientAccumulationSteps = 1;
        private double learningRate = 5e-5;
        private double weightDecay;
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.999;
        private double adamEpsilon = 1e-8;
        private double warmupRatio;
        private int warmupSteps;
        private SchedulerType schedulerType = SchedulerType.LINEAR;
        private double maxGradNorm = 1.0;
        private long seed = 42;
        private int loggingSteps = 500;
        private int saveSteps = 500;
        private int evalSteps;
        private int saveTotalLimit;
        private int maxSeqLength = 1024;
        private String device = "cpu";
        private String precision = "fp32";
        private Double centerRewardsCoefficient;
        private LoraConfig lora;
        private String outputDir;

        Builder() {}

        /** Epochs over the training data (fractions allowed). */
        @JsonProperty("num_train_epochs") @JsonAlias("numEpochs")
        public Builder optNumEpochs(double v) { numEpochs = v; return this; }

        /** Total optimizer steps; overrides epochs when &gt; 0. */
        @JsonProperty("max_steps") @JsonAlias("maxSteps")
        public Builder optMaxSteps(int v) { maxSteps = v; return this; }

        /** Rows per micro-batch. */
        @JsonProperty("per_device_train_batch_size") @JsonAlias("perDeviceBatchSize")
        public Builder optPerDeviceBatchSize(int v) { perDeviceBatchSize = v; return this; }

        /** Rows per evaluation batch. */
        @JsonProperty("per_device_eval_batch_size") @JsonAlias("perDeviceEvalBatchSize")
        public Builder optPerDeviceEvalBatchSize(Integer v) { perDeviceEvalBatchSize = v; return this; }

        /** Micro-batches per optimizer step. */
        @JsonProperty("gradient_accumulation_steps") @JsonAlias("gradientAccumulationSteps")
        public Builder optGradientAccumulationSteps(int v) { gradientAccumulationSteps = v; return this; }

        /** Peak learning rate. */
        @JsonProperty("learning_rate") @JsonAlias("learningRate")
        public Builder optLearningRate(double v) { learningRate = v; return this; }

        /** Decoupled weight decay. */
        @JsonProperty("weight_decay") @JsonAlias("weightDecay")
        public Builder optWeightDecay(double v) { weightDecay = v; return this; }

        /** Adam beta1. */
        @JsonProperty("adam_beta1") @JsonAlias("adamBeta1")
        public Builder optAdamBeta1(double v) { adamBeta1 = v; return this; }

        /** Adam beta2. */
        @JsonProperty("adam_beta2") @JsonAlias("adamBeta2")
        public Builder optAdamBeta2(double v) { adamBeta2 = v; return this; }

        /** Adam epsilon. */
        @JsonProperty("adam_epsilon") @JsonAlias("adamEpsilon")
        public Builder optAdamEpsilon(double v) { adamEpsilon = v; return this; }

        /** Warmup as a share of total steps. */
        @JsonProperty("warmup_ratio") @JsonAlias("warmupRatio")
        public Builder optWarmupRatio(double v) { warmupRatio = v; return this; }

        /** Warmup steps (wins over the ratio when &gt; 0). */
        @JsonProperty("warmup_steps") @JsonAlias("warmupSteps")
        public Builder optWarmupSteps(int v) { warmupSteps = v; return this; }

        /** Schedule shape. */
        @JsonProperty("lr_scheduler_type") @JsonAlias({"scheduler", "schedulerType"})
        public Builder optSchedulerType(SchedulerType v) { schedulerType = v; return this; }

        /** Global gradient-norm clip; 0 = off. */
        @JsonProperty("max_grad_norm") @JsonAlias("maxGradNorm")
        public Builder optMaxGradNorm(double v) { maxGradNorm = v; return this; }

        /** Seed for data order, initialisation and dropout. */
        @JsonProperty("seed")
        public Builder optSeed(long v) { seed = v; return this; }

        /** Log every N optimizer steps. */
        @JsonProperty("logging_steps") @JsonAlias("loggingSteps")
        public Builder optLoggingSteps(int v) { loggingSteps = v; return this; }

        /** Checkpoint every N optimizer steps (0 = only at the end). */
        @JsonProperty("save_steps") @JsonAlias("saveSteps")
        public Builder optSaveSteps(int v) { saveSteps = v; return this; }

        /** Evaluate every N optimizer steps (0 = only at the end). */
        @JsonProperty("eval_steps") @JsonAlias("evalSteps")
        public Builder optEvalSteps(int v) { evalSteps = v; return this; }

        /** Checkpoints kept (0 = all). */
        @JsonProperty("save_total_limit") @JsonAlias("saveTotalLimit")
        public Builder optSaveTotalLimit(Integer v) { saveTotalLimit = v == null ? 0 : v; return this; }

        /** Longest sequence accepted. */
        @JsonProperty("max_seq_length") @JsonAlias("maxSeqLength")
        public Builder optMaxSeqLength(int v) { maxSeqLength = v; return this; }

        /** cpu, gpu, gpu:N. */
        @JsonProperty("device")
        public Builder optDevice(String v) { device = v; return this; }

        /** fp32 (bf16 and fp16 are rejected). */
        @JsonProperty("precision")
        public Builder optPrecision(String v) { precision = v; return this; }

        /** Reward centering coefficient (reward training only). */
        @JsonProperty("center_rewards_coefficient") @JsonAlias("centerRewardsCoefficient")
        public Builder optCenterRewardsCoefficient(Double v) { centerRewardsCoefficient = v; return this; }

        /** LoRA instead of full fine-tuning (null = full). */
        @JsonProperty("lora")
        @JsonDeserialize(using = LoraJson.Deserializer.class)
        public Builder optLora(LoraConfig v) { lora = v; return this; }

        /** Where checkpoints and the final model go. */
        @JsonProperty("output_dir") @JsonAlias("outputDir")
        public Builder optOutputDir(String v) { outputDir = v; return this; }

        /** Validates and builds. */
        public TrainingConfig build() {
            if (maxSteps <= 0 && !(numEpochs > 0)) {
                fail("num_train_epochs", "must be > 0 when max_steps is not set, got " + numEpochs);
            }
            positive("per_device_train_batch_size", perDeviceBatchSize);
            if (perDeviceEvalBatchSize != null) {
                positive("per_device_eval_batch_size", perDeviceEvalBatchSize);
            }
            positive("gradient_accumulation_steps", gradientAccumulationSteps);
            positive("logging_steps", loggingSteps);
            positive("max_seq_length", maxSeqLength);
            nonNegative("learning_rate", learningRate);
            nonNegative("weight_decay", weightDecay);
            nonNegative("max_grad_norm", maxGradNorm);
            nonNegative("warmup_steps", warmupSteps);
            nonNegative("save_steps", saveSteps);
            nonNegative("eval_steps", evalSteps);
            nonNegative("save_total_limit", saveTotalLimit);
            if (!(warmupRatio >= 0 && warmupRatio < 1)) {
                fail("warmup_ratio", "must be in [0, 1), got " + warmupRatio);
            }
            if (!(adamBeta1 >= 0 && adamBeta1 < 1)) {
                fail("adam_beta1", "must be in [0, 1), got " + adamBeta1);
            }
            if (!(adamBeta2 >= 0 && adamBeta2 < 1)) {
                fail("adam_beta2", "must be in [0, 1), got " + adamBeta2);
            }
            if (!(adamEpsilon > 0)) {
                fail("adam_epsilon", "must be > 0, got " + adamEpsilon);
            }
            if (schedulerType == null) {
                fail("lr_scheduler_type", "is required");
            }
            if (centerRewardsCoefficient != null && !(centerRewardsCoefficient >= 0)) {
                fail("center_rewards_coefficient", "must be >= 0, got " + centerRewardsCoefficient);
            }
            if (device == null || !DEVICE.matcher(device.trim().toLowerCase(Locale.ROOT)).matches()) {
                fail("device", "'" + device + "' is not cpu, gpu or gpu:N");
            }
            String p = precision == null ? "" : precision.trim().toLowerCase(Locale.ROOT);
            switch (p) {
                case "fp32":
                case "float32":
                    precision = "fp32";
                    break;
                case "bf16":
                case "bfloat16":
                    fail("precision", "bf16 is not supported: DJL 0.36's PyTorch engine has no bfloat16 entry in its "
                            + "native type table and converting a tensor to bf16 kills the JVM (seen on CPU; device "
                            + device + "); use fp32");
                    break;
                case "fp16":
                case "float16":
                    fail("precision", "fp16 training is not supported (no loss scaling, and no faster than fp32 on CPU)"
                            + "; use fp32");
                    break;
                default:
                    fail("precision", "'" + precision + "' is not fp32");
            }
            return new TrainingConfig(this);
        }

        private static void positive(String field, int v) {
            if (v < 1) {
                fail(field, "must be >= 1, got " + v);
            }
        }

        private static void nonNegative(String field, double v) {
            if (!(v >= 0)) {
                fail(field, "must be >= 0, got " + v);
            }
        }

        private static void fail(String field, String message) {
            throw new IllegalArgumentException("training config field " + field + " " + message);
        }
    }
}
