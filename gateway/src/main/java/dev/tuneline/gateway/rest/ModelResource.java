package dev.tuneline.gateway.rest;

import dev.tuneline.gateway.service.ModelRegistry;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Models: those of jobs that reached model-ready and imported checkpoints. The list is OpenAI's {@code GET /v1/models}
 * shape, each entry extended with kind, lineage and metrics.
 */
@Path("/v1/models")
@Tag(name = "models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {
    @Inject
    ModelRegistry registry;

    @GET
    @Operation(summary = "List models (OpenAI-compatible)", description = "Job models (id = job id) and imported ones")
    public ModelView.ModelList list() {
        return new ModelView.ModelList("list", registry.list().stream()
                .map(e -> ModelView.of(e, registry.relativePath(e))).toList());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get a model: kind, lineage, metrics")
    public ModelView get(@PathParam("id") String id) {
        ModelRegistry.Entry e = registry.get(id);
        return ModelView.of(e, registry.relativePath(e));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import a checkpoint directory from under the model root", description = "The path may not "
            + "leave the model root; the directory needs config.json (GPT-2 or OPT) and model.safetensors")
    public Response importModel(@NotNull(message = "a JSON body is required") @Valid ModelImportRequest req,
            @jakarta.ws.rs.core.Context UriInfo uri) {
        ModelRegistry.Entry e = registry.importModel(req.name(), req.path(), req.kind(), req.template(), req.description());
        return Response.created(uri.getAbsolutePathBuilder().path(e.id()).build())
                .entity(ModelView.of(e, registry.relativePath(e))).build();
    }
}
