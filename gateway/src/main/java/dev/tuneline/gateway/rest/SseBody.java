package dev.tuneline.gateway.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/** A {@code text/event-stream} response whose body writes and flushes {@code data:} events itself. */
final class SseBody {
    private SseBody() {
    }

    /** A 200 response streaming {@code body}. */
    static Response response(StreamingOutput body) {
        return Response.ok(body).type(MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no").build();
    }
}
