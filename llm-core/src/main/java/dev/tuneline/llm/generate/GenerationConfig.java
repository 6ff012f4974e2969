package dev.tuneline.llm.generate;

import java.util.List;
import java.util.function.Function;

/**
 * Decoding options, named as in HuggingFace's {@code GenerationConfig}. Build with
 * {@link #builder()}; unset values take HF's defaults (max_length 20 when neither
 * {@code maxNewTokens} nor {@code maxLength} is set, top_k 50, top_p 1, temperature 1).
 *
 * <p>Semantics chosen where HF is ambiguous, and documented here:
 * <ul>
 *   <li>{@code maxLength} counts each row's own prompt (not the padded batch width);
 *       {@code maxNewTokens} wins when both are set (as in HF).</li>
 *   <li>Sampling uses one random stream per row seeded with {@code seed}, so a row's text does not
 *       depend on the other rows of its batch.</li>
 *   <li>Beam search: HF's {@code length_penalty} on the generated length (EOS counted),
 *       {@code early_stopping=false} heuristic, best hypothesis returned; no sampling, no stop strings.</li>
 * </ul>
 */
public final class GenerationConfig {

    private final int maxNewTokens;
    private final int maxLength;
    private final int numBeams;
    private final float lengthPenalty;
    private final boolean doSample;
    private final float temperature;
    private final int topK;
    private final float topP;
    private final float repetitionPenalty;
    private final Long seed;
    private final Integer eosTokenId;
    private final Integer padTokenId;
    private final List<String> stopStrings;
    private final Function<int[], String> decoder;
    private final boolean useCache;
    private final boolean returnLogprobs;
    private final boolean promptLogprobs;

    private GenerationConfig(Builder b) {
        maxNewTokens = b.maxNewTokens;
        maxLength = b.maxLength;
        numBeams = b.numBeams;
        lengthPenalty = b.lengthPenalty;
        doSample = b.doSample;
        temperature = b.temperature;
        topK = b.topK;
        topP = b.topP;
        repetitionPenalty = b.repetitionPenalty;
        seed = b.seed;
        eosTokenId = b.eosTokenId;
        padTokenId = b.padTokenId;
        stopStrings = List.copyOf(b.stopStrings);
        decoder = b.decoder;
        useCache = b.useCache;
        returnLogprobs = b.returnLogprobs;
        promptLogprobs = b.promptLogprobs;
        check(maxNewTokens >= -1, "maxNewTokens must be >= 0");
        check(maxLength >= -1, "maxLength must be >= 0");
        check(numBeams >= 1, "numBeams must be >= 1, got " + numBeams);
        check(!(numBeams > 1 && doSample), "beam sampling (numBeams > 1 with doSample) is not supported");
        check(!(numBeams > 1 && !stopStrings.isEmpty()), "stop strings are not supported with beam search");
        check(temperature > 0, "temperature must be > 0, got " + temperature);
        check(topK >= 0, "topK must be >= 0 (0 = off), got " + topK);
        check(topP > 0 && topP <= 1, "topP must be in (0, 1], got " + topP);
        check(repetitionPenalty > 0, "repetitionPenalty must be > 0, got " + repetitionPenalty);
        check(stopStrings.isEmpty() || decoder != null, "stop strings need a decoder (token ids -> text)");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid GenerationConfig: " + message);
        }
    }

    /** A builder with HF defaults (greedy, 20 tokens of max length, cache on). */
    public static Builder builder() {
        return new Builder();
    }

    /** New tokens to generate at most for a prompt of {@code promptLength} tokens. */
    public int budgetFor(int promptLength) {
        if (maxNewTokens >= 0) {
            return maxNewTokens;
        }
        int total = maxLength >= 0 ? maxLength : 20;
        return Math.max(0, total - promptLength);
    }

    /** Max new tokens, or -1 when unset. */
    public int maxNewTokens() { return maxNewTokens; }
    /** Max total length (prompt + new), or -1 when unset. */
    public int maxLength() { return maxLength; }
    /** Beam width (1 = greedy or sampling). */
    public int numBeams() { return numBeams; }
    /** Beam-search length penalty exponent. */
    public float lengthPenalty() { return lengthPenalty; }
    /** Sample instead of argmax. */
    public boolean doSample() { return doSample; }
    /** Sampling temperature. */
    public float temperature() { return temperature; }
    /** Top-k filter (0 = off). */
    public int topK() { return topK; }
    /** Nucleus filter (1 = off). */
    public float topP() { return topP; }
    /** HF repetition penalty (1 = off). */
    public float repetitionPenalty() { return repetitionPenalty; }
    /** Sampling seed or null (then a random one). */
    public Long seed() { return seed; }
    /** EOS id override: null = the model's, -1 = none. */
    public Integer eosTokenId() { return eosTokenId; }
    /** Pad id override: null = model pad, else model EOS, else 0. */
    public Integer padTokenId() { return padTokenId; }
    /** Stop strings checked on the decoded new tokens. */
    public List<String> stopStrings() { return stopStrings; }
    /** Token ids -> text, for stop strings. */
    public Function<int[], String> decoder() { return decoder; }
    /** Use the KV cache (false recomputes the whole sequence each step). */
    public boolean useCache() { return useCache; }
    /** Return per-token log-probs. */
    public boolean returnLogprobs() { return returnLogprobs; }
    /** Return prompt-token log-probs. */
    public boolean promptLogprobs() { return promptLogprobs; }

    /** Builder of {@link GenerationConfig}. */
    public static final class Builder {
        private int maxNewTokens = -1;
        private int maxLength = -1;
        private int numBeams = 1;
        private float lengthPenalty = 1f;
        private boolean doSample;
        private float temperature = 1f;
        private int topK = 50;
        private float topP = 1f;
        private float repetitionPenalty = 1f;
        private Long seed;
        private Integer eosTokenId;
        private Integer padTokenId;
        private List<String> stopStrings = List.of();
        private Function<int[], String> decoder;
        private boolean useCache = true;
        private boolean returnLogprobs;
        private boolean promptLogprobs;

        private Builder() {}

        /** HF max_new_tokens. */
        public Builder optMaxNewTokens(int v) { maxNewTokens = v; return this; }
        /** HF max_length (prompt included). */
        public Builder optMaxLength(int v) { maxLength = v; return this; }
        /** HF num_beams. */
        public Builder optNumBeams(int v) { numBeams = v; return this; }
        /** HF length_penalty (beam search). */
        public Builder optLengthPenalty(float v) { lengthPenalty = v; return this; }
        /** HF do_sample. */
        public Builder optDoSample(boolean v) { doSample = v; return this; }
        /** HF temperature. */
        public Builder optTemperature(float v) { temperature = v; return this; }
        /** HF top_k (0 = off). */
        public Builder optTopK(int v) { topK = v; return this; }
        /** HF top_p. */
        public Builder optTopP(float v) { topP = v; return this; }
        /** HF repetition_penalty. */
        public Builder optRepetitionPenalty(float v) { repetitionPenalty = v; return this; }
        /** Sampling seed. */
        public Builder optSeed(long v) { seed = v; return this; }
        /** EOS id (-1 = never stop on a token). */
        public Builder optEosTokenId(int v) { eosTokenId = v; return this; }
        /** Pad id for left padding. */
        public Builder optPadTokenId(int v) { padTokenId = v; return this; }
        /** Stop strings with the decoder that turns new token ids into text. */
        public Builder optStopStrings(List<String> v, Function<int[], String> dec) {
            stopStrings = v;
            decoder = dec;
            return this;
        }
        /** Use the KV cache (default true). */
        public Builder optUseCache(boolean v) { useCache = v; return this; }
        /** Return per-token log-probs. */
        public Builder optReturnLogprobs(boolean v) { returnLogprobs = v; return this; }
        /** Return prompt log-probs. */
        public Builder optPromptLogprobs(boolean v) { promptLogprobs = v; return this; }

        /** Validates and builds. */
        public GenerationConfig build() {
            return new GenerationConfig(this);
        }
    }
}
