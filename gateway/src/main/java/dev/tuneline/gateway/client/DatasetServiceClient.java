package dev.tuneline.gateway.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * dataset-service's registry API ({@code tuneline.dataset-service.url}). Methods return the raw response so the
 * gateway can relay its status and problem+json body unchanged.
 */
@RegisterRestClient(configKey = "dataset-service")
@Path("/v1/datasets")
public interface DatasetServiceClient {
    /** All registered datasets. */
    @GET
    Response list();

    /** One dataset. */
    @GET
    @Path("{name}")
    Response get(@PathParam("name") String name);

    /** Uploads a JSON array or JSONL file. */
    @POST
    @Consumes("*/*")
    Response upload(@QueryParam("name") String name, @QueryParam("kind") String kind,
            @QueryParam("format") String format, @QueryParam("license") String license,
            @QueryParam("source") String source, @HeaderParam("Content-Type") String contentType, byte[] body);
}
