package dev.tuneline.gateway.inference;

import dev.tuneline.llm.generate.GenerationConfig;
import java.util.List;
import java.util.function.Function;

/**
 * Decoding options of one request (HuggingFace names; see {@link GenerationConfig}).
 *
 * @param maxNewTokens new tokens at most (0 scores the prompt only)
 * @param doSample sample instead of greedy / beam search
 * @param temperature sampling temperature
 * @param topK top-k filter (0 = off)
 * @param topP nucleus filter (1 = off)
 * @param repetitionPenalty HF repetition penalty (1 = off)
 * @param numBeams beam width (1 = no beam search)
 * @param lengthPenalty beam-search length penalty
 * @param seed sampling seed, null for a random one
 * @param stop stop strings (the text ends before the first one)
 * @param ignoreEos keep generating past EOS
 * @param promptLogprobs also return the prompt tokens' log-probabilities
 */
public record DecodeOptions(int maxNewTokens, boolean doSample, float temperature, int topK, float topP,
        float repetitionPenalty, int numBeams, float lengthPenalty, Long seed, List<String> stop, boolean ignoreEos,
        boolean promptLogprobs) {

    /** Greedy decoding of {@code maxNewTokens} tokens. */
    public static DecodeOptions greedy(int maxNewTokens) {
        return new DecodeOptions(maxNewTokens, false, 1f, 50, 1f, 1f, 1, 1f, null, List.of(), false, false);
    }

    /** Normalises and copies the stop list. */
    public DecodeOptions {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /**
     * The generation config for a batch of requests sharing these options, with {@code budget} new tokens at most.
     *
     * @throws IllegalArgumentException naming the invalid option
     */
    public GenerationConfig toConfig(int budget, int padId, Function<int[], String> decoder) {
        GenerationConfig.Builder b = GenerationConfig.builder()
                .optMaxNewTokens(budget).optDoSample(doSample).optTemperature(temperature).optTopK(topK).optTopP(topP)
                .optRepetitionPenalty(repetitionPenalty).optNumBeams(numBeams).optLengthPenalty(lengthPenalty)
                .optPadTokenId(padId).optReturnLogprobs(true).optPromptLogprobs(promptLogprobs);
        if (seed != null) {
            b.optSeed(seed);
        }
        if (!stop.isEmpty()) {
            b.optStopStrings(stop, decoder);
        }
        if (ignoreEos) {
            b.optEosTokenId(-1);
        }
        return b.build();
    }

    /** Checks the options as the generator will (throws IllegalArgumentException naming the option). */
    public void validate() {
        toConfig(maxNewTokens, 0, ids -> "");
    }

    /**
     * What requests must share to be decoded in one batch: every option that changes a row's tokens. Greedy ignores
     * the sampling knobs. The budget does not matter (each row stops at its own budget and its request is answered
     * then, while longer rows go on; the tokens are those it would get alone), except for beam search, where the budget
     * changes the search, and for prompt-only scoring (0 new tokens), which decodes nothing.
     */
    public Object batchKey(String modelId) {
        int budget = numBeams > 1 ? maxNewTokens : Math.min(1, maxNewTokens);
        return doSample
                ? List.of(modelId, budget, true, temperature, topK, topP, repetitionPenalty, seed == null ? "random" : seed,
                        stop, ignoreEos, promptLogprobs)
                : List.of(modelId, budget, false, repetitionPenalty, numBeams, lengthPenalty, stop, ignoreEos,
                        promptLogprobs);
    }
}
