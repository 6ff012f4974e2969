package dev.tuneline.gateway.rest;

import dev.tuneline.gateway.client.DatasetServiceClient;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Datasets, served by dataset-service: the gateway relays list, get and upload, status and errors unchanged. */
@Path("/v1/datasets")
@Tag(name = "datasets")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class DatasetResource {
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]*";
    private static final String NAME_MESSAGE = "dataset name may hold letters, digits, '.', '_' and '-' only";

    @Inject
    @RestClient
    DatasetServiceClient client;

    @ConfigProperty(name = "tuneline.dataset-service.url")
    String url;

    @GET
    @Operation(summary = "List registered datasets")
    public Response list() {
        return relay(() -> client.list());
    }

    @GET
    @Path("{name}")
    @Operation(summary = "Get a dataset: kind, rows, checksum, license, source")
    public Response get(@PathParam("name") @Size(max = 200, message = "dataset name is at most 200 characters")
            @Pattern(regexp = NAME, message = NAME_MESSAGE) String name) {
        return relay(() -> client.get(name));
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Upload a dataset", description = "Body: a JSON array or JSONL rows; query: name, kind "
            + "(instruction | preference), format (json | jsonl), license, source. Every row is validated by "
            + "dataset-service before anything is registered.")
    public Response upload(@QueryParam("name") @Pattern(regexp = NAME, message = NAME_MESSAGE) String name,
            @QueryParam("kind") String kind, @QueryParam("format") String format,
            @QueryParam("license") String license, @QueryParam("source") String source,
            @HeaderParam("Content-Type") String contentType, byte[] body) {
        return relay(() -> client.upload(name, kind, format, license, source,
                contentType == null ? MediaType.APPLICATION_OCTET_STREAM : contentType, body));
    }

    private Response relay(Supplier<Response> call) {
        Response r;
        try {
            r = call.get();
        } catch (ProcessingException e) {
            return Problem.response(Response.Status.BAD_GATEWAY, "dataset-service at " + url + " is unreachable: "
                    + e.getMessage(), null);
        }
        try (r) {
            String body = r.hasEntity() ? r.readEntity(String.class) : null;
            Response.ResponseBuilder out = Response.status(r.getStatus());
            if (r.getMediaType() != null) {
                out.type(r.getMediaType());
            }
            String location = r.getHeaderString("Location");
            if (location != null) {
                out.header("Location", "/v1/datasets/" + location.substring(location.lastIndexOf('/') + 1));
            }
            return out.entity(body).build();
        }
    }
}
