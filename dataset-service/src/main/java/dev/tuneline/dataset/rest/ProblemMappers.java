package dev.tuneline.dataset.rest;

import dev.tuneline.dataset.service.DatasetRegistry;
import dev.tuneline.llm.data.DatasetValidationException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors as {@code application/problem+json}, naming the rows and fields at fault. */
public class ProblemMappers {
    private static Response problem(int status, String title, String detail, List<String> errors) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (errors != null) {
            body.put("errors", errors);
        }
        return Response.status(status).type("application/problem+json").entity(body).build();
    }

    @ServerExceptionMapper
    public Response invalid(DatasetValidationException e) {
        return problem(400, "Bad Request", e.getMessage(), e.problems().stream().map(Object::toString).toList());
    }

    @ServerExceptionMapper
    public Response badArgument(IllegalArgumentException e) {
        return problem(400, "Bad Request", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response tooLarge(DatasetRegistry.UploadTooLargeException e) {
        return problem(413, "Content Too Large", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response conflict(IllegalStateException e) {
        return problem(409, "Conflict", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return problem(404, "Not Found", e.getMessage(), null);
    }
}
