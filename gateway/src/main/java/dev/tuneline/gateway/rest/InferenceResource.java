package dev.tuneline.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tuneline.events.Json;
import dev.tuneline.gateway.inference.Completion;
import dev.tuneline.gateway.inference.DecodeOptions;
import dev.tuneline.gateway.inference.GenerateTask;
import dev.tuneline.gateway.inference.ModelInfo;
import dev.tuneline.gateway.inference.ModelKind;
import dev.tuneline.gateway.inference.Prompt;
import dev.tuneline.gateway.inference.ScoreTask;
import dev.tuneline.gateway.service.InferenceService;
import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.PromptTemplate;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Generation ({@code /v1/generate}, optionally streamed) and reward scoring ({@code /v1/score}, {@code /v1/compare}). */
@Path("/v1")
@Tag(name = "inference")
@Blocking
public class InferenceResource {
    @Inject
    InferenceService inference;

    @POST
    @Path("generate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "Generate text", description = "Greedy, sampling (temperature, top-k, top-p, seed), repetition "
            + "penalty, beam search, stop strings, log-probabilities. Concurrent requests are batched. With stream: true "
            + "the answer is text/event-stream: one event per token, sent as it is generated (its text may be empty while a "
            + "character or a possible stop string is incomplete; an event with text only releases the rest), then a "
            + "final event with done: true and the whole result. An error after the stream began comes as {error: {...}}.")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = GenerateResponse.class)))
    @APIResponse(responseCode = "429", description = "Queue full (Retry-After) or rate limit")
    @APIResponse(responseCode = "504", description = "Not finished within the timeout")
    public Uni<Response> generate(@NotNull(message = "a JSON body is required") @Valid GenerateRequest req,
            @Context HttpServerResponse http) {
        List<String> prompts = req.allPrompts();
        inference.checkCount(prompts.size(), "prompts");
        boolean stream = Boolean.TRUE.equals(req.stream());
        if (stream && prompts.size() != 1) {
            throw new IllegalArgumentException("stream needs exactly one prompt");
        }
        ModelInfo model = inference.model(req.model(), ModelKind.CAUSAL_LM);
        DecodeOptions options = req.options(inference.newTokens(req.maxNewTokens(), 32, "maxNewTokens"));
        Duration timeout = inference.timeout(req.timeoutSeconds());
        PromptTemplate template = template(req.template(), model);
        List<GenerateTask> tasks = new ArrayList<>();
        long deadline = InferenceService.deadline(timeout);
        for (String p : prompts) {
            String text = template == null ? p : template.renderPrompt(new InstructionRow(0, p, "", ""));
            tasks.add(new GenerateTask(model, Prompt.text(text), options, -1, false, deadline));
        }
        boolean logprobs = Boolean.TRUE.equals(req.returnLogprobs());
        if (stream) {
            return Uni.createFrom().item(LiveStream.start(inference, tasks, deadline, new GenerateEvents(logprobs), http));
        }
        return inference.runAll(tasks, timeout, results -> {
            List<GenerateResponse.Result> out = new ArrayList<>();
            int promptTokens = 0;
            int completionTokens = 0;
            for (int i = 0; i < results.size(); i++) {
                Completion c = results.get(i);
                out.add(result(i, c, logprobs));
                promptTokens += c.promptIds().length;
                completionTokens += c.tokens().length;
            }
            return Response.ok(new GenerateResponse(model.id(), out, new GenerateResponse.Usage(promptTokens,
                    completionTokens, promptTokens + completionTokens))).type(MediaType.APPLICATION_JSON).build();
        });
    }

    @POST
    @Path("score")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Reward of responses", description = "prompt + response rendered with the reward model's template "
            + "and EOS, as its training did; returns one scalar reward per pair")
    public Uni<ScoreResponse> score(@NotNull(message = "a JSON body is required") @Valid ScoreRequest req) {
        List<ScoreRequest.Pair> pairs = req.allPairs();
        inference.checkCount(pairs.size(), "pairs");
        ModelInfo model = inference.model(req.model(), ModelKind.REWARD);
        checkTemplate(req.template());
        Duration timeout = inference.timeout(req.timeoutSeconds());
        ScoreTask task = new ScoreTask(model, pairs.stream().map(p -> new ScoreTask.Pair(p.prompt(), p.response())).toList(),
                req.template(), InferenceService.deadline(timeout));
        return inference.run(task, timeout).map(r -> {
            List<Float> rewards = new ArrayList<>();
            for (float f : r) {
                rewards.add(f);
            }
            return new ScoreResponse(model.id(), rewards.size() == 1 ? rewards.get(0) : null, rewards);
        });
    }

    @POST
    @Path("compare")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Compare two responses", description = "Both rewards and the Bradley-Terry probability "
            + "P(a preferred to b) = sigmoid(r_a - r_b)")
    public Uni<CompareResponse> compare(@NotNull(message = "a JSON body is required") @Valid CompareRequest req) {
        ModelInfo model = inference.model(req.model(), ModelKind.REWARD);
        checkTemplate(req.template());
        Duration timeout = inference.timeout(req.timeoutSeconds());
        ScoreTask task = new ScoreTask(model, List.of(new ScoreTask.Pair(req.prompt(), req.a()),
                new ScoreTask.Pair(req.prompt(), req.b())), req.template(), InferenceService.deadline(timeout));
        return inference.run(task, timeout).map(r -> new CompareResponse(model.id(), r[0], r[1], sigmoid((double) r[0] - r[1])));
    }

    /** σ(x) without overflow for large |x|. */
    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    private static void checkTemplate(String name) {
        if (name != null) {
            PromptTemplate.byName(name);
        }
    }

    private static PromptTemplate template(String name, ModelInfo model) {
        if (name == null) {
            return null;
        }
        if (name.equals("model")) {
            return PromptTemplate.byName(model.template() == null ? "alpaca" : model.template());
        }
        return PromptTemplate.byName(name);
    }

    private static GenerateResponse.Result result(int index, Completion c, boolean logprobs) {
        List<Float> lp = null;
        if (logprobs) {
            lp = new ArrayList<>();
            for (Completion.TokenOut t : c.tokenDetail()) {
                lp.add(t.logprob());
            }
        }
        List<Float> plp = null;
        if (c.promptLogprobs() != null) {
            plp = new ArrayList<>();
            for (float f : c.promptLogprobs()) {
                plp.add(Float.isNaN(f) ? null : f);
            }
        }
        return new GenerateResponse.Result(index, c.text(), c.tokens(), c.finishReason(), c.promptIds().length, lp, plp);
    }

    /** The events of {@code /v1/generate} with {@code stream: true}: one per token, then {@code done} with the result. */
    private record GenerateEvents(boolean logprobs) implements LiveStream.Format {
        @Override
        public List<String> token(int index, Completion.TokenOut t) {
            return List.of(json(new GenerateResponse.StreamEvent(t.id(), t.text(), logprobs ? t.logprob() : null, null,
                    null)));
        }

        @Override
        public List<String> text(int index, String text) {
            return List.of(json(new GenerateResponse.StreamEvent(null, text, null, null, null)));
        }

        @Override
        public List<String> finish(int index, Completion c) {
            return List.of(json(new GenerateResponse.StreamEvent(null, null, null, true, result(index, c, logprobs))));
        }

        @Override
        public boolean doneMarker() {
            return false;
        }
    }

    static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Answer of {@code /v1/score}.
     *
     * @param model model id
     * @param reward the reward when one pair was given
     * @param rewards one reward per pair
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record ScoreResponse(String model, Float reward, List<Float> rewards) {
    }

    /**
     * Answer of {@code /v1/compare}.
     *
     * @param model model id
     * @param rewardA reward of a
     * @param rewardB reward of b
     * @param probabilityAOverB P(a preferred to b) = σ(r_a − r_b)
     */
    public record CompareResponse(String model, float rewardA, float rewardB, double probabilityAOverB) {
    }
}
