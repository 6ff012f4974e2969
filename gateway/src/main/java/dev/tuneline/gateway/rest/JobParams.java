package dev.tuneline.gateway.rest;

import dev.tuneline.events.JobConfig;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Validated hyper-parameters of a job; null fields take the defaults documented in {@link JobConfig}. */
@Schema(description = "Job hyper-parameters")
public record JobParams(
        @Schema(description = "Optimizer steps (default 30)") @Min(value = 1, message = "maxSteps must be >= 1") @Max(value = 1_000_000, message = "maxSteps must be <= 1000000") Integer maxSteps,
        @Schema(description = "Rows per batch (default 8)") @Min(value = 1, message = "batchSize must be >= 1") @Max(value = 512, message = "batchSize must be <= 512") Integer batchSize,
        @Schema(description = "Peak learning rate (default 1e-3)") @DecimalMin(value = "0", inclusive = false, message = "learningRate must be > 0") @DecimalMax(value = "1", message = "learningRate must be <= 1") Double learningRate,
        @Schema(description = "Tokens per row (default 128)") @Min(value = 8, message = "maxSeqLength must be >= 8") @Max(value = 8192, message = "maxSeqLength must be <= 8192") Integer maxSeqLength,
        @Schema(description = "Seed (default 42)") Long seed,
        @Schema(description = "Held-out share (default 0.2)") @DecimalMin(value = "0", inclusive = false, message = "evalRatio must be > 0") @DecimalMax(value = "0.9", message = "evalRatio must be <= 0.9") Double evalRatio,
        @Schema(description = "Prompt template (alpaca, question-answer, human-assistant)") @Pattern(regexp = "[a-z-]{1,40}", message = "template must be a template name") String template,
        @Schema(description = "Cap on rows read (default all)") @Min(value = 1, message = "maxRows must be >= 1") Integer maxRows,
        @Schema(description = "Held-out rows evaluated (default 8)") @Min(value = 1, message = "evalSamples must be >= 1") @Max(value = 10_000, message = "evalSamples must be <= 10000") Integer evalSamples,
        @Schema(description = "Generated tokens per eval prompt (default 32)") @Min(value = 1, message = "maxNewTokens must be >= 1") @Max(value = 1024, message = "maxNewTokens must be <= 1024") Integer maxNewTokens,
        @Schema(description = "Width of a random-init model (default 64)") @Min(value = 8, message = "hiddenSize must be >= 8") @Max(value = 4096, message = "hiddenSize must be <= 4096") Integer hiddenSize,
        @Schema(description = "Depth of a random-init model (default 2)") @Min(value = 1, message = "layers must be >= 1") @Max(value = 96, message = "layers must be <= 96") Integer layers,
        @Schema(description = "Micro-batches per optimizer step (default 1)") @Min(value = 1, message = "gradientAccumulationSteps must be >= 1") @Max(value = 1024, message = "gradientAccumulationSteps must be <= 1024") Integer gradientAccumulationSteps,
        @Schema(description = "Warm-up share of steps (default 0.1)") @DecimalMin(value = "0", message = "warmupRatio must be >= 0") @DecimalMax(value = "1", message = "warmupRatio must be <= 1") Double warmupRatio,
        @Schema(description = "LR schedule: linear, cosine, constant (default linear)") @Pattern(regexp = "linear|cosine|constant", message = "scheduler must be linear, cosine or constant") String scheduler,
        @Schema(description = "LoRA rank; omit for full fine-tuning") @Min(value = 1, message = "loraRank must be >= 1") @Max(value = 1024, message = "loraRank must be <= 1024") Integer loraRank,
        @Schema(description = "LoRA alpha (default 2 x rank)") @DecimalMin(value = "0", inclusive = false, message = "loraAlpha must be > 0") Double loraAlpha,
        @Schema(description = "LoRA target modules (default q_proj, v_proj; c_attn on GPT-2)") java.util.List<@Pattern(regexp = "[A-Za-z0-9_.]{1,64}", message = "loraTargets entries must be module names") String> loraTargets,
        @Schema(description = "Row filter: all, empty-input, with-input (default all)") @Pattern(regexp = "all|empty-input|with-input", message = "filter must be all, empty-input or with-input") String filter,
        @Schema(description = "Beams for evaluation generation (default 1)") @Min(value = 1, message = "numBeams must be >= 1") @Max(value = 16, message = "numBeams must be <= 16") Integer numBeams,
        @Schema(description = "Eval jobs: model B (a model name under the model root), compared with baseModel (A)") @Size(max = 400, message = "compareModel is at most 400 characters") String compareModel,
        @Schema(description = "Eval jobs: reward model that judges A against B") @Size(max = 400, message = "judgeModel is at most 400 characters") String judgeModel,
        @Schema(description = "Evaluation decoding: sampling temperature (omit for greedy / beams)") @DecimalMin(value = "0", message = "temperature must be >= 0") @DecimalMax(value = "5", message = "temperature must be <= 5") Double temperature,
        @Schema(description = "Evaluation decoding: repetition penalty (default 1.0)") @DecimalMin(value = "1", message = "repetitionPenalty must be >= 1") @DecimalMax(value = "10", message = "repetitionPenalty must be <= 10") Double repetitionPenalty) {

    /** All defaults. */
    public static JobParams defaults() {
        return new JobParams(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    /** The wire form. */
    public JobConfig toConfig() {
        return new JobConfig(maxSteps, batchSize, learningRate, maxSeqLength, seed, evalRatio, template, maxRows,
                evalSamples, maxNewTokens, hiddenSize, layers, gradientAccumulationSteps, warmupRatio, scheduler,
                loraRank, loraAlpha, loraTargets, filter, numBeams, compareModel, judgeModel, temperature, repetitionPenalty);
    }
}
