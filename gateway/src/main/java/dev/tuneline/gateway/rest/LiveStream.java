package dev.tuneline.gateway.rest;

import dev.tuneline.gateway.inference.Completion;
import dev.tuneline.gateway.inference.GenerateTask;
import dev.tuneline.gateway.inference.ModelUnavailableException;
import dev.tuneline.gateway.inference.QueueFullException;
import dev.tuneline.gateway.inference.TokenSink;
import dev.tuneline.gateway.service.InferenceService;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Server-Sent Events of generation tasks while they run: each token is written and flushed as the inference worker
 * chooses it, then each task's end. When the client goes away the tasks are cancelled, so their rows leave the batch
 * at the next token. Tasks that need their tokens scored again after generation (alternatives, echo) are written when
 * they finish. Errors after the 200 went out are sent as an OpenAI-style {@code {"error": {...}}} event.
 */
final class LiveStream {
    private static final Logger LOG = Logger.getLogger(LiveStream.class);
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** How one endpoint writes its events (one instance per request: it may keep per-index state). */
    interface Format {
        /** Events before anything else. */
        default List<String> start() {
            return List.of();
        }

        /** Events that open a task written when it finishes (e.g. the echoed prompt). */
        default List<String> prelude(int index, Completion c) {
            return List.of();
        }

        /** Events for one token of task {@code index}. */
        List<String> token(int index, Completion.TokenOut t);

        /** Events for final text of task {@code index} that no token event carried (text held back for stop strings). */
        List<String> text(int index, String text);

        /** Events that close task {@code index}. */
        List<String> finish(int index, Completion c);

        /** Events after every task finished (e.g. usage). */
        default List<String> end(List<Completion> all) {
            return List.of();
        }

        /** Whether the stream ends with OpenAI's {@code data: [DONE]}. */
        boolean doneMarker();
    }

    private sealed interface Item permits Token, End {
    }

    private record Token(int index, int id, String text, float logprob) implements Item {
    }

    private record End(int index, Completion completion, Throwable error) implements Item {
    }

    private final List<GenerateTask> tasks;
    private final boolean[] live;
    private final long deadlineNanos;
    private final BooleanSupplier clientGone;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();

    /**
     * Hooks into {@code tasks} (before they are queued); the stream ends with an error event at {@code deadlineNanos},
     * and without one as soon as {@code clientGone} says the connection closed (writes to a closed connection do not
     * always fail, so the stream asks).
     */
    LiveStream(List<GenerateTask> tasks, long deadlineNanos, BooleanSupplier clientGone) {
        this.tasks = List.copyOf(tasks);
        this.deadlineNanos = deadlineNanos;
        this.clientGone = clientGone;
        this.live = new boolean[tasks.size()];
        for (int i = 0; i < tasks.size(); i++) {
            int index = i;
            GenerateTask t = tasks.get(i);
            live[i] = t.streamable();
            if (live[i]) {
                t.streamTo(sink(index));
            }
            t.result().whenComplete((c, e) -> queue.add(new End(index, c, e)));
        }
    }

    /** Where task {@code index}'s tokens go: the queue the response body drains. */
    TokenSink sink(int index) {
        return (id, text, logprob) -> queue.add(new Token(index, id, text, logprob));
    }

    /** The response body: events in {@code format} until every task ended, the deadline passed, or the client left. */
    StreamingOutput body(Format format) {
        return out -> {
            int n = tasks.size();
            int[] sent = new int[n];
            Completion[] done = new Completion[n];
            try {
                write(out, format.start());
                for (int open = n; open > 0; ) {
                    if (clientGone.getAsBoolean()) {
                        throw new IOException("the client closed the connection");
                    }
                    long left = deadlineNanos - System.nanoTime();
                    Item item = left > 0 ? queue.poll(Math.min(left, CHECK_NANOS), TimeUnit.NANOSECONDS) : null;
                    if (item == null && left > CHECK_NANOS) {
                        continue;      // nothing yet: look at the connection again
                    }
                    if (item == null) {
                        cancelAll();
                        write(out, List.of(error(new TimeoutException("the request did not finish within its timeout"))));
                        return;
                    }
                    if (item instanceof Token t) {
                        sent[t.index()] += t.text().length();
                        write(out, format.token(t.index(), new Completion.TokenOut(t.id(), t.text(), t.logprob(), null)));
                        continue;
                    }
                    End e = (End) item;
                    open--;
                    if (e.error() != null) {
                        cancelAll();
                        write(out, List.of(error(InferenceService.unwrap(e.error()))));
                        return;
                    }
                    int i = e.index();
                    Completion c = e.completion();
                    if (live[i]) {
                        String text = c.text();
                        if (sent[i] < text.length()) {
                            write(out, format.text(i, text.substring(sent[i])));
                        }
                    } else {
                        write(out, format.prelude(i, c));
                        for (Completion.TokenOut t : c.tokenDetail()) {
                            write(out, format.token(i, t));
                        }
                    }
                    write(out, format.finish(i, c));
                    done[i] = c;
                }
                write(out, format.end(Arrays.asList(done)));
                if (format.doneMarker()) {
                    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                cancelAll();      // the client went away: free the batch rows
                LOG.debugf("stream client left: %s", e.getMessage());
            } catch (InterruptedException e) {
                cancelAll();
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                cancelAll();
                throw e;
            }
        };
    }

    /** Queues {@code tasks} (429 if the queue is full) and answers 200 with their live event stream over {@code http}. */
    static Response start(InferenceService inference, List<GenerateTask> tasks, long deadlineNanos, Format format,
            HttpServerResponse http) {
        LiveStream stream = new LiveStream(tasks, deadlineNanos, http::closed);
        inference.submitAll(tasks);
        return SseBody.response(stream.body(format));
    }

    private void cancelAll() {
        tasks.forEach(GenerateTask::cancel);
    }

    private static void write(OutputStream out, List<String> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        for (String e : events) {
            out.write(("data: " + e + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }

    /** OpenAI's error event: {@code {"error": {"message", "type", "code"}}} with the HTTP status the error would have had. */
    static String error(Throwable t) {
        int status;
        String type;
        if (t instanceof TimeoutException) {
            status = 504;
            type = "timeout";
        } else if (t instanceof QueueFullException) {
            status = 429;
            type = "rate_limit_exceeded";
        } else if (t instanceof IllegalArgumentException) {
            status = 400;
            type = "invalid_request_error";
        } else if (t instanceof ModelUnavailableException) {
            status = 503;
            type = "service_unavailable";
        } else if (t instanceof CancellationException) {
            status = 499;
            type = "cancelled";
        } else {
            LOG.error("stream failed", t);
            status = 500;
            type = "server_error";
        }
        String message = status == 500 ? "internal error: " + t.getClass().getSimpleName()
                : t.getMessage() == null ? type : t.getMessage();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("type", type);
        body.put("code", status);
        return InferenceResource.json(Map.of("error", body));
    }
}
