package dev.tuneline.gateway.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A {@code text/event-stream} body: one {@code data:} event per JSON string, flushed one by one. */
final class SseBody {
    private SseBody() {
    }

    /** The events, optionally closed by OpenAI's {@code data: [DONE]}. */
    static StreamingOutput of(List<String> events, boolean done) {
        return out -> {
            for (String e : events) {
                out.write(("data: " + e + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (done) {
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        };
    }

    /** A 200 response streaming {@code body}. */
    static Response response(StreamingOutput body) {
        return Response.ok(body).type(MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache").build();
    }
}
