package dev.tuneline.dataset.rest;

import dev.tuneline.dataset.service.DatasetRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Dataset registry API: list, get, upload (validated, size-limited). The gateway fronts it. */
@Path("/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {
    @Inject
    DatasetRegistry registry;

    @GET
    public List<DatasetView> list() {
        return registry.list().stream().map(DatasetView::of).toList();
    }

    @GET
    @Path("{name}")
    public DatasetView get(@PathParam("name") String name) {
        return registry.find(name).map(DatasetView::of)
                .orElseThrow(() -> new NotFoundException("dataset '" + name + "' is not registered"));
    }

    /** Uploads a JSON array or JSONL file; every row is validated before anything is registered. */
    @POST
    @Consumes({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON, "application/x-ndjson", MediaType.TEXT_PLAIN})
    public Response upload(@QueryParam("name") String name, @QueryParam("kind") @DefaultValue("instruction") String kind,
            @QueryParam("format") @DefaultValue("json") String format, @QueryParam("license") String license,
            @QueryParam("source") String source, InputStream body) throws IOException {
        if (!"json".equals(format) && !"jsonl".equals(format)) {
            throw new IllegalArgumentException("format must be 'json' (an array) or 'jsonl' (one object per line)");
        }
        var e = registry.upload(name, kind, format, body, license, source);
        return Response.status(Response.Status.CREATED).entity(DatasetView.of(e)).build();
    }
}
