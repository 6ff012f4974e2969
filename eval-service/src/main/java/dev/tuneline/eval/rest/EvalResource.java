package dev.tuneline.eval.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneline.eval.repository.EvalExample;
import dev.tuneline.eval.repository.EvalRepository;
import dev.tuneline.eval.repository.EvalRun;
import dev.tuneline.events.Json;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;

/** Evaluation results with their per-example records. */
@Path("/v1/evals")
@Produces(MediaType.APPLICATION_JSON)
public class EvalResource {
    /** One evaluated example. */
    public record ExampleView(String model, int row, String prompt, String output, String reference, Double score) {
    }

    /** A run with its metrics and examples. */
    public record EvalView(UUID jobId, String jobType, String state, String modelDir, JsonNode metrics, String summary,
            List<ExampleView> examples) {
    }

    @Inject
    EvalRepository repo;

    @GET
    @Path("{jobId}")
    public EvalView get(@PathParam("jobId") UUID jobId) throws Exception {
        EvalRun r = repo.run(jobId).orElseThrow(() -> new NotFoundException("no evaluation for job " + jobId));
        List<ExampleView> ex = repo.examples(jobId).stream()
                .map((EvalExample e) -> new ExampleView(e.model, e.row, e.prompt, e.output, e.reference, e.score)).toList();
        return new EvalView(r.jobId, r.jobType, r.state, r.modelDir, Json.MAPPER.readTree(r.metrics == null ? "{}" : r.metrics),
                r.summary, ex);
    }
}
