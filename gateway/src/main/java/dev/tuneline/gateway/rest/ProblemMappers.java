package dev.tuneline.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import dev.tuneline.gateway.inference.ModelUnavailableException;
import dev.tuneline.gateway.inference.QueueFullException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every error into {@code application/problem+json} with a message a user can act on. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<String> errors = e.getConstraintViolations().stream().map(ProblemMappers::describe).sorted().toList();
        return Problem.response(Response.Status.BAD_REQUEST, "invalid request: " + String.join("; ", errors), errors);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return Problem.response(Response.Status.BAD_REQUEST, "malformed JSON body: " + e.getOriginalMessage(), null);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problem.response(Response.Status.NOT_FOUND, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e) {
        return Problem.response(Response.Status.BAD_REQUEST, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response conflict(IllegalStateException e) {
        return Problem.response(Response.Status.CONFLICT, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response r = e.getResponse();
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        if (r.hasEntity()) {
            return r;
        }
        return Problem.response(Response.Status.fromStatusCode(r.getStatus()), e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response queueFull(QueueFullException e) {
        Response r = Problem.response(Response.Status.TOO_MANY_REQUESTS, e.getMessage(), null);
        return Response.fromResponse(r).header("Retry-After", Long.toString(e.retryAfterSeconds())).build();
    }

    @ServerExceptionMapper
    public Response timeout(TimeoutException e) {
        return Problem.response(Response.Status.GATEWAY_TIMEOUT, "the request did not finish within its timeout"
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), null);
    }

    @ServerExceptionMapper
    public Response unavailable(ModelUnavailableException e) {
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), null);
    }

    private static String describe(ConstraintViolation<?> v) {
        String path = v.getPropertyPath().toString();
        int dot = path.indexOf('.');
        // "create.request.config.maxSteps" -> "config.maxSteps"
        String field = path;
        String[] parts = path.split("\\.");
        if (parts.length > 2) {
            field = String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        } else if (dot >= 0) {
            field = path.substring(dot + 1);
        }
        return field + ": " + v.getMessage();
    }

    /** Unexpected errors: logged, answered as 500 without internals. */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error", e);
        return Problem.response(Response.Status.INTERNAL_SERVER_ERROR, "internal error: " + e.getClass().getSimpleName(), null);
    }
}
