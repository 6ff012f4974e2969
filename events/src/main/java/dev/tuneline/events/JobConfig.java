package dev.tuneline.events;

/**
 * Hyper-parameters of a job as they travel on the wire; null means "use the default".
 *
 * @param maxSteps        optimizer steps to train (default 30)
 * @param batchSize       rows per batch (default 8)
 * @param learningRate    peak learning rate (default 1e-3 for random init)
 * @param maxSeqLength    tokens per row after truncation (default 128)
 * @param seed            seed for split, init and sampling (default 42)
 * @param evalRatio       held-out share of rows (default 0.2, as the reference lab)
 * @param template        prompt template name (alpaca, question-answer, human-assistant)
 * @param maxRows         cap on rows read from the dataset (default: all)
 * @param evalSamples     held-out rows the eval uses (default 8)
 * @param maxNewTokens    generation length for BLEU (default 32)
 * @param hiddenSize      width of a randomly initialised model (default 64)
 * @param layers          depth of a randomly initialised model (default 2)
 * @param gradientAccumulationSteps micro-batches per optimizer step (default 1)
 * @param warmupRatio     share of steps with linear warm-up (default 0.1)
 * @param scheduler       linear, cosine or constant (default linear)
 * @param loraRank        LoRA rank; null = full fine-tuning (the reference lab: 16 for SFT, 8 for reward)
 * @param loraAlpha       LoRA alpha (default 2 x rank)
 * @param loraTargets     LoRA target modules (default q_proj, v_proj; GPT-2: c_attn)
 * @param filter          row filter: all, empty-input (the reference lab), with-input (default all)
 * @param numBeams        beams for evaluation generation (default 1 = greedy)
 * @param compareModel    eval jobs: model B, compared with the job's model A by the judge
 * @param judgeModel      eval jobs: reward model that judges A against B
 * @param temperature     evaluation decoding: sample at this temperature (null or 0 = greedy / beams)
 * @param repetitionPenalty evaluation decoding: HF-style repetition penalty (default 1.0 = off)
 */
public record JobConfig(Integer maxSteps, Integer batchSize, Double learningRate, Integer maxSeqLength, Long seed,
        Double evalRatio, String template, Integer maxRows, Integer evalSamples, Integer maxNewTokens,
        Integer hiddenSize, Integer layers, Integer gradientAccumulationSteps, Double warmupRatio, String scheduler,
        Integer loraRank, Double loraAlpha, java.util.List<String> loraTargets, String filter, Integer numBeams,
        String compareModel, String judgeModel, Double temperature, Double repetitionPenalty) {

    /** Defaults for everything. */
    public static JobConfig defaults() {
        return new JobConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    /** A copy with another template. */
    public JobConfig withTemplate(String t) {
        return new JobConfig(maxSteps, batchSize, learningRate, maxSeqLength, seed, evalRatio, t, maxRows, evalSamples,
                maxNewTokens, hiddenSize, layers, gradientAccumulationSteps, warmupRatio, scheduler, loraRank, loraAlpha,
                loraTargets, filter, numBeams, compareModel, judgeModel, temperature, repetitionPenalty);
    }

    /** gradientAccumulationSteps or its default. */
    public int gradientAccumulationStepsOr() { return gradientAccumulationSteps == null ? 1 : gradientAccumulationSteps; }
    /** warmupRatio or its default. */
    public double warmupRatioOr() { return warmupRatio == null ? 0.1 : warmupRatio; }
    /** scheduler or its default. */
    public String schedulerOr() { return scheduler == null ? "linear" : scheduler; }
    /** filter or its default. */
    public String filterOr() { return filter == null ? "all" : filter; }
    /** numBeams or its default. */
    public int numBeamsOr() { return numBeams == null ? 1 : numBeams; }

    /** maxSteps or its default. */
    public int maxStepsOr() { return maxSteps == null ? 30 : maxSteps; }
    /** batchSize or its default. */
    public int batchSizeOr() { return batchSize == null ? 8 : batchSize; }
    /** learningRate or its default. */
    public double learningRateOr() { return learningRate == null ? 1e-3 : learningRate; }
    /** maxSeqLength or its default. */
    public int maxSeqLengthOr() { return maxSeqLength == null ? 128 : maxSeqLength; }
    /** seed or its default. */
    public long seedOr() { return seed == null ? 42L : seed; }
    /** evalRatio or its default. */
    public double evalRatioOr() { return evalRatio == null ? 0.2 : evalRatio; }
    /** maxRows or its default (0 = all). */
    public int maxRowsOr() { return maxRows == null ? 0 : maxRows; }
    /** evalSamples or its default. */
    public int evalSamplesOr() { return evalSamples == null ? 8 : evalSamples; }
    /** maxNewTokens or its default. */
    public int maxNewTokensOr() { return maxNewTokens == null ? 32 : maxNewTokens; }
    /** hiddenSize or its default. */
    public int hiddenSizeOr() { return hiddenSize == null ? 64 : hiddenSize; }
    /** layers or its default. */
    public int layersOr() { return layers == null ? 2 : layers; }
}
