package dev.tuneline.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneline.gateway.inference.ChatPrompt;
import dev.tuneline.gateway.inference.Completion;
import dev.tuneline.gateway.inference.DecodeOptions;
import dev.tuneline.gateway.inference.GenerateTask;
import dev.tuneline.gateway.inference.ModelInfo;
import dev.tuneline.gateway.inference.ModelKind;
import dev.tuneline.gateway.inference.Prompt;
import dev.tuneline.gateway.rest.OpenAiTypes.AssistantMessage;
import dev.tuneline.gateway.rest.OpenAiTypes.ChatChoice;
import dev.tuneline.gateway.rest.OpenAiTypes.ChatCompletion;
import dev.tuneline.gateway.rest.OpenAiTypes.ChatLogprobs;
import dev.tuneline.gateway.rest.OpenAiTypes.ChatRequest;
import dev.tuneline.gateway.rest.OpenAiTypes.ChatTokenLogprob;
import dev.tuneline.gateway.rest.OpenAiTypes.ChatTopLogprob;
import dev.tuneline.gateway.rest.OpenAiTypes.CompletionChoice;
import dev.tuneline.gateway.rest.OpenAiTypes.CompletionLogprobs;
import dev.tuneline.gateway.rest.OpenAiTypes.CompletionRequest;
import dev.tuneline.gateway.rest.OpenAiTypes.Usage;
import dev.tuneline.gateway.service.InferenceService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * OpenAI-compatible {@code /v1/completions} and {@code /v1/chat/completions} (with {@code stream}, {@code echo},
 * {@code logprobs}, {@code max_tokens: 0}) over the same batching engine as {@code /v1/generate}. Sampling follows
 * OpenAI: temperature 0 is greedy, top-k is off unless the {@code top_k} extension is given.
 */
@Path("/v1")
@Tag(name = "openai")
@Blocking
public class OpenAiResource {
    @Inject
    InferenceService inference;

    @POST
    @Path("completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "OpenAI text completion", description = "prompt: string, list of strings, token ids or lists "
            + "of token ids; echo with logprobs and max_tokens 0 returns the prompt's log-likelihood")
    public Uni<Response> completions(@NotNull(message = "a JSON body is required") CompletionRequest req,
            @Context HttpServerResponse http) {
        ModelInfo model = inference.model(req.model(), ModelKind.CAUSAL_LM);
        List<Prompt> prompts = prompts(req.prompt());
        inference.checkCount(prompts.size(), "prompt");
        refuseUnsupported(req.n(), req.bestOf(), req.presencePenalty(), req.frequencyPenalty(), req.logitBias());
        if (req.suffix() != null) {
            throw new IllegalArgumentException("suffix is not supported");
        }
        int top = req.logprobs() == null ? -1 : req.logprobs();
        if (top >= 0) {
            inference.checkTop(top, "logprobs");
        }
        boolean echo = Boolean.TRUE.equals(req.echo());
        DecodeOptions options = options(inference.newTokens(req.maxTokens(), 16, "max_tokens"), req.temperature(),
                req.topP(), req.topK(), req.repetitionPenalty(), req.seed(), stops(req.stop()));
        Duration timeout = inference.timeout(null);
        long deadline = InferenceService.deadline(timeout);
        List<GenerateTask> tasks = new ArrayList<>();
        for (Prompt p : prompts) {
            tasks.add(new GenerateTask(model, p, options, top, echo, deadline));
        }
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = Instant.now().getEpochSecond();
        if (Boolean.TRUE.equals(req.stream())) {
            return Uni.createFrom().item(LiveStream.start(inference, tasks, deadline, new CompletionChunks(id, created,
                    model.id(), echo, top, includeUsage(req.streamOptions()), new int[tasks.size()]), http));
        }
        return inference.runAll(tasks, timeout, results -> {
            Usage usage = usage(results);
            List<CompletionChoice> choices = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                Completion c = results.get(i);
                String prefix = echo ? echoText(c) : "";
                choices.add(new CompletionChoice(prefix + c.text(), i, top >= 0 ? legacyLogprobs(c, echo, 0) : null,
                        c.finishReason()));
            }
            return Response.ok(new OpenAiTypes.Completion(id, "text_completion", created, model.id(), choices, usage))
                    .type(MediaType.APPLICATION_JSON).build();
        });
    }

    @POST
    @Path("chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "OpenAI chat completion", description = "messages rendered with the model's prompt template "
            + "(earlier exchanges as full examples, the last user message as the prompt)")
    public Uni<Response> chat(@NotNull(message = "a JSON body is required") ChatRequest req,
            @Context HttpServerResponse http) {
        ModelInfo model = inference.model(req.model(), ModelKind.CAUSAL_LM);
        refuseUnsupported(req.n(), null, req.presencePenalty(), req.frequencyPenalty(), req.logitBias());
        List<ChatPrompt.Message> messages = messages(req.messages());
        boolean logprobs = Boolean.TRUE.equals(req.logprobs());
        int top = req.topLogprobs() == null ? 0 : req.topLogprobs();
        if (req.topLogprobs() != null && !logprobs) {
            throw new IllegalArgumentException("top_logprobs needs logprobs: true");
        }
        inference.checkTop(top, "top_logprobs");
        Integer max = req.maxCompletionTokens() != null ? req.maxCompletionTokens() : req.maxTokens();
        DecodeOptions options = options(inference.newTokens(max, Integer.MAX_VALUE, "max_completion_tokens"),
                req.temperature(), req.topP(), req.topK(), req.repetitionPenalty(), req.seed(), stops(req.stop()));
        Duration timeout = inference.timeout(null);
        long deadline = InferenceService.deadline(timeout);
        String template = model.template() == null ? "alpaca" : model.template();
        GenerateTask task = new GenerateTask(model, Prompt.chat(messages, template), options, logprobs ? top : -1,
                false, deadline);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = Instant.now().getEpochSecond();
        if (Boolean.TRUE.equals(req.stream())) {
            return Uni.createFrom().item(LiveStream.start(inference, List.of(task), deadline, new ChatChunks(id, created,
                    model.id(), logprobs, includeUsage(req.streamOptions())), http));
        }
        return inference.run(task, timeout).map(c -> {
            Usage usage = usage(List.of(c));
            ChatChoice choice = new ChatChoice(0, new AssistantMessage("assistant", c.text()), null,
                    logprobs ? chatLogprobs(c.tokenDetail()) : null, c.finishReason());
            return Response.ok(new ChatCompletion(id, "chat.completion", created, model.id(), List.of(choice), usage))
                    .type(MediaType.APPLICATION_JSON).build();
        });
    }

    // ------------------------------------------------------------------ request parsing

    private static List<Prompt> prompts(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw new IllegalArgumentException("prompt is required");
        }
        if (prompt.isTextual()) {
            return List.of(Prompt.text(prompt.asText()));
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt must be a string, a list of strings, a list of token ids or a "
                    + "list of lists of token ids");
        }
        if (prompt.get(0).isInt()) {
            return List.of(Prompt.ids(ids(prompt, "prompt")));
        }
        List<Prompt> out = new ArrayList<>();
        for (int i = 0; i < prompt.size(); i++) {
            JsonNode p = prompt.get(i);
            if (p.isTextual()) {
                out.add(Prompt.text(p.asText()));
            } else if (p.isArray()) {
                out.add(Prompt.ids(ids(p, "prompt[" + i + "]")));
            } else {
                throw new IllegalArgumentException("prompt[" + i + "] must be a string or a list of token ids");
            }
        }
        return out;
    }

    private static int[] ids(JsonNode arr, String field) {
        int[] ids = new int[arr.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!arr.get(i).isInt()) {
                throw new IllegalArgumentException(field + "[" + i + "] must be a token id (integer)");
            }
            ids[i] = arr.get(i).asInt();
        }
        return ids;
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray() || stop.size() > 4) {
            throw new IllegalArgumentException("stop must be a string or a list of at most 4 strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : stop) {
            if (!s.isTextual()) {
                throw new IllegalArgumentException("stop must hold strings only");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static List<ChatPrompt.Message> messages(List<OpenAiTypes.ChatMessage> in) {
        if (in == null || in.isEmpty()) {
            throw new IllegalArgumentException("messages is required (at least one user message)");
        }
        List<ChatPrompt.Message> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            OpenAiTypes.ChatMessage m = in.get(i);
            if (m == null) {
                throw new IllegalArgumentException("messages[" + i + "] is null");
            }
            out.add(new ChatPrompt.Message(m.role(), content(m.content(), i)));
        }
        ChatPrompt.validate(out);
        return out;
    }

    private static String content(JsonNode c, int i) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw new IllegalArgumentException("messages[" + i + "].content: only text parts are supported");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw new IllegalArgumentException("messages[" + i + "].content must be a string or a list of text parts");
    }

    private static void refuseUnsupported(Integer n, Integer bestOf, Double presence, Double frequency, JsonNode bias) {
        if (n != null && n != 1) {
            throw new IllegalArgumentException("n must be 1 (send several requests for several samples)");
        }
        if (bestOf != null && bestOf != 1) {
            throw new IllegalArgumentException("best_of must be 1");
        }
        if (presence != null && presence != 0) {
            throw new IllegalArgumentException("presence_penalty is not supported; use repetition_penalty");
        }
        if (frequency != null && frequency != 0) {
            throw new IllegalArgumentException("frequency_penalty is not supported; use repetition_penalty");
        }
        if (bias != null && !bias.isNull() && !bias.isEmpty()) {
            throw new IllegalArgumentException("logit_bias is not supported");
        }
    }

    /** OpenAI sampling semantics: temperature 0 is greedy, default 1; top-k off unless given. */
    private static DecodeOptions options(int maxTokens, Double temperature, Double topP, Integer topK,
            Double repetitionPenalty, Long seed, List<String> stop) {
        double t = temperature == null ? 1.0 : temperature;
        if (t < 0 || t > 2) {
            throw new IllegalArgumentException("temperature must be in [0, 2], got " + t);
        }
        double p = topP == null ? 1.0 : topP;
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + p);
        }
        boolean sample = t > 0;
        DecodeOptions o = new DecodeOptions(maxTokens, sample, sample ? (float) t : 1f, topK == null ? 0 : topK,
                (float) p, repetitionPenalty == null ? 1f : repetitionPenalty.floatValue(), 1, 1f, seed, stop, false, false);
        o.validate();
        return o;
    }

    private static boolean includeUsage(JsonNode streamOptions) {
        return streamOptions != null && streamOptions.path("include_usage").asBoolean(false);
    }

    // ------------------------------------------------------------------ responses

    private static Usage usage(List<Completion> results) {
        int p = 0;
        int c = 0;
        for (Completion r : results) {
            p += r.promptIds().length;
            c += r.tokens().length;
        }
        return new Usage(p, c, p + c);
    }

    /** The prompt as echoed: its tokens' text (for a text prompt, the text itself; BOS and other special tokens are not shown). */
    private static String echoText(Completion c) {
        StringBuilder sb = new StringBuilder();
        c.promptDetail().forEach(t -> sb.append(t.text()));
        return sb.toString();
    }

    private static CompletionLogprobs legacyLogprobs(Completion c, boolean echo, int startOffset) {
        List<Completion.TokenOut> all = new ArrayList<>();
        if (echo) {
            all.addAll(c.promptDetail());
        }
        all.addAll(c.tokenDetail());
        return legacyLogprobs(all, startOffset);
    }

    private static CompletionLogprobs legacyLogprobs(List<Completion.TokenOut> tokens, int startOffset) {
        List<String> texts = new ArrayList<>();
        List<Float> lps = new ArrayList<>();
        List<Map<String, Float>> tops = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int offset = startOffset;
        for (Completion.TokenOut t : tokens) {
            texts.add(t.text());
            lps.add(t.logprob());
            offsets.add(offset);
            offset += t.text().length();
            if (t.top() == null) {
                tops.add(null);
            } else {
                Map<String, Float> m = new LinkedHashMap<>();
                for (Completion.Alt a : t.top()) {
                    m.merge(a.text(), a.logprob(), Math::max);
                }
                m.putIfAbsent(t.text(), t.logprob());   // the chosen token is always listed (as vLLM does)
                tops.add(m);
            }
        }
        return new CompletionLogprobs(texts, lps, tops, offsets);
    }

    /** {@code text_completion} chunks: per prompt index, the echo (if asked), tokens, the finish; then usage. */
    private record CompletionChunks(String id, long created, String model, boolean echo, int top, boolean withUsage,
            int[] offsets) implements LiveStream.Format {
        @Override
        public List<String> prelude(int index, Completion c) {
            if (!echo) {
                return List.of();
            }
            String prompt = echoText(c);
            CompletionLogprobs lp = top >= 0 ? legacyLogprobs(c.promptDetail(), 0) : null;
            offsets[index] = prompt.length();
            return List.of(chunk(new CompletionChoice(prompt, index, lp, null)));
        }

        @Override
        public List<String> token(int index, Completion.TokenOut t) {
            if (t.text().isEmpty() && top < 0) {
                return List.of();
            }
            CompletionLogprobs lp = top >= 0 ? legacyLogprobs(List.of(t), offsets[index]) : null;
            offsets[index] += t.text().length();
            return List.of(chunk(new CompletionChoice(t.text(), index, lp, null)));
        }

        @Override
        public List<String> text(int index, String text) {
            offsets[index] += text.length();
            return List.of(chunk(new CompletionChoice(text, index, null, null)));
        }

        @Override
        public List<String> finish(int index, Completion c) {
            return List.of(chunk(new CompletionChoice("", index, null, c.finishReason())));
        }

        @Override
        public List<String> end(List<Completion> all) {
            return withUsage ? List.of(InferenceResource.json(new OpenAiTypes.Completion(id, "text_completion", created,
                    model, List.of(), usage(all)))) : List.of();
        }

        @Override
        public boolean doneMarker() {
            return true;
        }

        private String chunk(CompletionChoice choice) {
            return InferenceResource.json(new OpenAiTypes.Completion(id, "text_completion", created, model,
                    List.of(choice), null));
        }
    }

    /** {@code chat.completion.chunk}s: the role, content deltas as generated, the finish; then usage. */
    private record ChatChunks(String id, long created, String model, boolean logprobs, boolean withUsage)
            implements LiveStream.Format {
        @Override
        public List<String> start() {
            return List.of(chunk(new ChatChoice(0, null, new AssistantMessage("assistant", ""), null, null)));
        }

        @Override
        public List<String> token(int index, Completion.TokenOut t) {
            if (t.text().isEmpty() && !logprobs) {
                return List.of();
            }
            return List.of(chunk(new ChatChoice(0, null, new AssistantMessage(null, t.text()),
                    logprobs ? chatLogprobs(List.of(t)) : null, null)));
        }

        @Override
        public List<String> text(int index, String text) {
            return List.of(chunk(new ChatChoice(0, null, new AssistantMessage(null, text), null, null)));
        }

        @Override
        public List<String> finish(int index, Completion c) {
            return List.of(chunk(new ChatChoice(0, null, new AssistantMessage(null, null), null, c.finishReason())));
        }

        @Override
        public List<String> end(List<Completion> all) {
            return withUsage ? List.of(InferenceResource.json(new ChatCompletion(id, "chat.completion.chunk", created, model,
                    List.of(), usage(all)))) : List.of();
        }

        @Override
        public boolean doneMarker() {
            return true;
        }

        private String chunk(ChatChoice choice) {
            return InferenceResource.json(new ChatCompletion(id, "chat.completion.chunk", created, model,
                    List.of(choice), null));
        }
    }

    private static ChatLogprobs chatLogprobs(List<Completion.TokenOut> tokens) {
        List<ChatTokenLogprob> out = new ArrayList<>();
        for (Completion.TokenOut t : tokens) {
            List<ChatTopLogprob> top = new ArrayList<>();
            if (t.top() != null) {
                for (Completion.Alt a : t.top()) {
                    top.add(new ChatTopLogprob(a.text(), a.logprob(), bytes(a.text())));
                }
            }
            out.add(new ChatTokenLogprob(t.text(), t.logprob() == null ? 0f : t.logprob(), bytes(t.text()), top));
        }
        return new ChatLogprobs(out);
    }

    private static List<Integer> bytes(String s) {
        List<Integer> out = new ArrayList<>();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.add(b & 0xff);
        }
        return out;
    }
}
