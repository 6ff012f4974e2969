package dev.tuneline.gateway.inference;

import dev.tuneline.llm.generate.Generation;
import dev.tuneline.llm.generate.GenerationConfig;
import dev.tuneline.llm.generate.TokenListener;
import dev.tuneline.llm.data.PromptTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Continue one prompt. Requests with the same model and compatible options (see
 * {@link DecodeOptions#batchKey(String)}) are decoded together in one left-padded batch; each is then cut to its own
 * budget and stop strings, and decoded to text.
 */
public final class GenerateTask extends InferenceTask<Completion> {
    private final Prompt prompt;
    private final DecodeOptions options;
    private final int topLogprobs;
    private final boolean echo;
    private final Object key;
    private TokenSink sink;
    // what the listener has seen of this task's own tokens while the batch runs (inference thread only)
    private int heard;
    private TokenText streamed;
    private final StringBuilder streamedText = new StringBuilder();
    private int released;
    private boolean answered;

    /**
     * A generation request.
     *
     * @param topLogprobs -1 for the generator's own log-probs only; k >= 0 to score the tokens again by teacher
     *     forcing and return the k most likely alternatives at each position
     * @param echo return the prompt's tokens too (with {@code topLogprobs >= 0}: scored as well)
     */
    public GenerateTask(ModelInfo model, Prompt prompt, DecodeOptions options, int topLogprobs, boolean echo,
            long deadlineNanos) {
        super(model, deadlineNanos);
        this.prompt = prompt;
        this.options = options;
        this.topLogprobs = topLogprobs;
        this.echo = echo;
        this.key = options.batchKey(model.id());
    }

    /**
     * Streams this task's tokens to {@code sink} while it is generated (the result still completes with the whole
     * {@link Completion}). Returns this task.
     */
    public GenerateTask streamTo(TokenSink sink) {
        this.sink = sink;
        return this;
    }

    /** Whether its tokens can be streamed as they are generated (not when they must be scored again afterwards). */
    public boolean streamable() {
        return topLogprobs < 0 && !echo;
    }

    /** Stops the task: skipped if still queued, its row leaves the batch at the next token if running. */
    public void cancel() {
        result().cancel(false);
    }

    @Override
    public Object batchKey() {
        return key;
    }

    /** Seedless sampling shares one seed per batch: the same prompt twice in a batch would sample the same text. */
    @Override
    public boolean conflictsWith(InferenceTask<?> other) {
        return options.doSample() && options.seed() == null && other instanceof GenerateTask g && prompt.sameAs(g.prompt);
    }

    @Override
    protected void runBatch(LoadedModel model, List<InferenceTask<?>> batch, EngineStats stats) {
        List<GenerateTask> ready = new ArrayList<>(batch.size());
        List<int[]> prompts = new ArrayList<>(batch.size());
        int budget = 0;
        for (InferenceTask<?> t : batch) {
            GenerateTask g = (GenerateTask) t;
            try {
                prompts.add(g.encode(model));
                ready.add(g);
                budget = Math.max(budget, g.options.maxNewTokens());
            } catch (IllegalArgumentException e) {
                g.fail(e);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        GenerationConfig cfg = options.toConfig(budget, model.padId(), model::decode);
        // each row stops at its own budget, stop string, or when its client has gone, whatever the batch's budget,
        // and its request is answered as soon as its row is done, while longer rows go on
        List<Generation> out = model.generator().generate(prompts, cfg, new TokenListener() {
            @Override
            public boolean onToken(int row, int token, float logprob) {
                return ready.get(row).onToken(model, token, logprob);
            }

            @Override
            public void onFinished(int row, Generation generation) {
                ready.get(row).answer(model, prompts.get(row), generation, stats);
            }
        });
        for (int i = 0; i < ready.size(); i++) {
            ready.get(i).answer(model, prompts.get(i), out.get(i), stats);   // rows the listener did not hand out
        }
    }

    /** Completes this task from its row's generation (once; later calls do nothing). */
    private void answer(LoadedModel model, int[] promptIds, Generation generation, EngineStats stats) {
        if (answered) {
            return;
        }
        answered = true;
        try {
            Completion c = finish(model, promptIds, generation);
            stats.prompted(promptIds.length);
            stats.generated(c.tokens().length);
            complete(c);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /**
     * A new token of this task's row: streams the text it releases, and says whether the row should go on (false once
     * the request's own budget is reached, a stop string appeared, or the request was cancelled).
     */
    boolean onToken(LoadedModel model, int token, float logprob) {
        if (result().isDone()) {
            return false;
        }
        heard++;
        boolean stopped = false;
        if (sink != null) {
            if (streamed == null) {
                streamed = new TokenText(model);
            }
            streamedText.append(streamed.next(token));
            int stopAt = firstStop(streamedText);
            stopped = stopAt >= 0;
            int safe = stopped ? stopAt : streamedText.length() - heldBack(streamedText);
            String text = safe > released ? streamedText.substring(released, safe) : "";
            released = Math.max(released, safe);
            sink.token(token, text, logprob);
        }
        return !stopped && (options.numBeams() > 1 || heard < options.maxNewTokens());
    }

    /** Length of the longest end of {@code text} that could begin a stop string (held back until it is decided). */
    private int heldBack(CharSequence text) {
        int best = 0;
        for (String stop : options.stop()) {
            for (int n = Math.min(stop.length() - 1, text.length()); n > best; n--) {
                if (stop.regionMatches(0, text.toString(), text.length() - n, n)) {
                    best = n;
                    break;
                }
            }
        }
        return best;
    }

    /** The prompt's ids, checked against the model. */
    int[] encode(LoadedModel model) {
        int[] ids;
        if (prompt.ids() != null) {
            ids = prompt.ids();
            int vocab = model.config().vocabSize();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new IllegalArgumentException("prompt token " + i + " = " + ids[i]
                            + " is outside the model's vocabulary [0, " + vocab + ")");
                }
            }
        } else if (prompt.chat() != null) {
            String text = ChatPrompt.render(prompt.chat(), PromptTemplate.byName(prompt.template()),
                    model.tokenizer().eosToken());
            ids = model.tokenizer().encode(text, true);
        } else {
            ids = model.tokenizer().encode(prompt.text(), true);
        }
        if (ids.length == 0) {
            ids = new int[] {model.tokenizer().bosId()};   // an empty prompt continues from the start of a text
        }
        int max = model.config().maxPositions();
        if (ids.length > max) {
            throw new IllegalArgumentException("the prompt has " + ids.length + " tokens, over the model's " + max
                    + " positions");
        }
        return ids;
    }

    /** Cuts to this request's budget and stop strings, decodes, and scores again when asked. */
    Completion finish(LoadedModel model, int[] promptIds, Generation gen) {
        int[] raw = gen.tokens();
        int keep = options.numBeams() > 1 ? raw.length : Math.min(raw.length, options.maxNewTokens());
        String finish = keep < raw.length || Generation.CANCELLED.equals(gen.finishReason())
                ? Generation.LENGTH : gen.finishReason();
        int[] tokens = Arrays.copyOf(raw, keep);
        List<String> pieces = pieces(model, tokens);
        StringBuilder text = new StringBuilder();
        pieces.forEach(text::append);
        int cut = firstStop(text);
        if (cut >= 0) {
            int at = 0;
            int n = 0;
            while (n < pieces.size() && at + pieces.get(n).length() <= cut) {
                at += pieces.get(n).length();
                n++;
            }
            if (n < pieces.size() && at < cut) {
                pieces.set(n, pieces.get(n).substring(0, cut - at));   // a token holding the start of the stop string
                n++;
            }
            pieces = new ArrayList<>(pieces.subList(0, n));
            tokens = Arrays.copyOf(tokens, n);
            text.setLength(cut);
            finish = Generation.STOP;
        }
        List<Completion.TokenOut> detail = new ArrayList<>(tokens.length);
        List<Completion.TokenOut> promptDetail = null;
        List<LoadedModel.TokenScore> scores = null;
        if (topLogprobs >= 0) {
            int[] full = Arrays.copyOf(promptIds, promptIds.length + tokens.length);
            System.arraycopy(tokens, 0, full, promptIds.length, tokens.length);
            scores = model.tokenLogprobs(full, echo ? 1 : promptIds.length, topLogprobs);
        }
        int offset = 0;
        if (echo) {
            List<String> promptPieces = pieces(model, promptIds);
            promptDetail = new ArrayList<>(promptIds.length);
            promptDetail.add(new Completion.TokenOut(promptIds[0], promptPieces.get(0), null, null));
            for (int i = 1; i < promptIds.length; i++) {
                promptDetail.add(scores == null ? new Completion.TokenOut(promptIds[i], promptPieces.get(i), null, null)
                        : out(model, scores.get(i - 1), promptPieces.get(i)));
            }
            offset = promptIds.length - 1;
        }
        float[] lp = gen.tokenLogprobs();
        for (int i = 0; i < tokens.length; i++) {
            detail.add(scores != null ? out(model, scores.get(offset + i), pieces.get(i))
                    : new Completion.TokenOut(tokens[i], pieces.get(i), lp == null ? null : lp[i], null));
        }
        return new Completion(promptIds, tokens, text.toString(), finish, detail, promptDetail, gen.promptLogprobs());
    }

    private static Completion.TokenOut out(LoadedModel model, LoadedModel.TokenScore s, String piece) {
        List<Completion.Alt> top = new ArrayList<>(s.topIds().length);
        for (int q = 0; q < s.topIds().length; q++) {
            top.add(new Completion.Alt(s.topIds()[q], model.tokenText(s.topIds()[q]), s.topLogprobs()[q]));
        }
        return new Completion.TokenOut(s.id(), piece, s.logprob(), top);
    }

    private int firstStop(CharSequence text) {
        int best = -1;
        String s = text.toString();
        for (String stop : options.stop()) {
            int i = stop.isEmpty() ? -1 : s.indexOf(stop);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Each token's piece of the decoded text: a token that ends inside a multi-byte character gets {@code ""} and
     * the token completing it gets the whole character, so the pieces concatenate to the decoded text.
     */
    static List<String> pieces(LoadedModel model, int[] tokens) {
        List<String> out = new ArrayList<>(tokens.length);
        TokenText text = new TokenText(model);
        for (int i = 0; i < tokens.length; i++) {
            String piece = text.next(tokens[i]);
            out.add(i < tokens.length - 1 ? piece : piece + text.rest());   // the last token takes what is left
        }
        return out;
    }
}
