package dev.tuneline.gateway.rest;

import dev.tuneline.gateway.repository.Job;
import dev.tuneline.gateway.repository.JobState;
import dev.tuneline.gateway.service.JobEventBus;
import dev.tuneline.gateway.service.JobService;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Jobs: submit, list, get, cancel, and follow progress as Server-Sent Events. */
@Path("/v1/jobs")
@Tag(name = "jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {
    @Inject
    JobService service;
    @Inject
    JobEventBus bus;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job", description = "Validates the job, stores it and emits job-requested (via the outbox)")
    public Response create(@NotNull(message = "a JSON body is required") @Valid JobCreateRequest request, @jakarta.ws.rs.core.Context UriInfo uri) {
        Job job = service.create(request);
        return Response.created(uri.getAbsolutePathBuilder().path(job.id.toString()).build()).entity(JobView.of(job)).build();
    }

    @GET
    @Operation(summary = "List jobs, newest first")
    public List<JobView> list(@QueryParam("state") JobState state,
            @QueryParam("page") @DefaultValue("0") @Min(value = 0, message = "page must be >= 0") int page,
            @QueryParam("size") @DefaultValue("50") @Min(value = 1, message = "size must be >= 1") @Max(value = 500, message = "size must be <= 500") int size) {
        return service.list(state, page, size).stream().map(JobView::of).toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get a job: state, losses, metrics")
    public JobView get(@PathParam("id") UUID id) {
        return JobView.of(service.get(id));
    }

    @POST
    @Path("{id}/cancel")
    @Operation(summary = "Cancel a job that has not finished")
    public JobView cancel(@PathParam("id") UUID id) {
        return JobView.of(service.cancel(id));
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Follow a job's events (progress, model-ready, eval-completed, failed) as SSE")
    public Multi<JobEventBus.JobEvent> events(@PathParam("id") UUID id) {
        Job job = service.get(id);
        if (job.state.terminal()) {
            return Multi.createFrom().item(new JobEventBus.JobEvent(id, "end", JobView.of(job), true));
        }
        return bus.stream(id);
    }
}
