package dev.tuneline.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneline.events.Json;
import dev.tuneline.gateway.inference.Completion;
import dev.tuneline.gateway.inference.DecodeOptions;
import dev.tuneline.gateway.inference.GenerateTask;
import dev.tuneline.gateway.inference.ModelInfo;
import dev.tuneline.gateway.inference.ModelKind;
import dev.tuneline.gateway.inference.Prompt;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The live SSE body without a model: a token handed to a task's sink reaches the client (flushed) before the task
 * finishes; text held back by the task is released at its end; a client that leaves cancels the tasks; the deadline
 * ends the stream with an error event.
 */
class LiveStreamTest {
    private static final ModelInfo MODEL = new ModelInfo("m", ModelKind.CAUSAL_LM, Path.of("m"), Path.of("m"), null);

    private static long in30s() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    }

    private static GenerateTask task(long deadlineNanos) {
        return new GenerateTask(MODEL, Prompt.text("hi"), DecodeOptions.greedy(8), -1, false, deadlineNanos);
    }

    private static Completion completion(String text, String finish) {
        return new Completion(new int[] {1}, new int[] {7, 8}, text, finish, List.of(), null, null);
    }

    /** An output stream that hands each flushed chunk to a queue, or fails every write once {@code gone}. */
    private static final class Client extends OutputStream {
        final BlockingQueue<String> flushed = new LinkedBlockingQueue<>();
        final StringBuilder pending = new StringBuilder();
        volatile boolean gone;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (gone) {
                throw new IOException("Connection reset by peer");
            }
            pending.append(new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public synchronized void flush() {
            if (pending.length() > 0) {
                flushed.add(pending.toString());
                pending.setLength(0);
            }
        }

        JsonNode next() throws Exception {
            String chunk = flushed.poll(10, TimeUnit.SECONDS);
            if (chunk == null) {
                throw new AssertionError("nothing was flushed within 10 s");
            }
            assertTrue(chunk.startsWith("data: ") && chunk.endsWith("\n\n"), chunk);
            String data = chunk.substring(6, chunk.length() - 2);
            return data.equals("[DONE]") ? null : Json.MAPPER.readTree(data);
        }
    }

    private static Thread serve(LiveStream stream, LiveStream.Format format, Client client) {
        Thread t = new Thread(() -> {
            try {
                stream.body(format).write(client);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    /** Writes each event as {kind, index, text}. */
    private static final class Events implements LiveStream.Format {
        @Override
        public List<String> token(int index, Completion.TokenOut t) {
            return List.of("{\"kind\":\"token\",\"index\":" + index + ",\"text\":\"" + t.text() + "\"}");
        }

        @Override
        public List<String> text(int index, String text) {
            return List.of("{\"kind\":\"text\",\"index\":" + index + ",\"text\":\"" + text + "\"}");
        }

        @Override
        public List<String> finish(int index, Completion c) {
            return List.of("{\"kind\":\"finish\",\"index\":" + index + ",\"text\":\"" + c.finishReason() + "\"}");
        }

        @Override
        public boolean doneMarker() {
            return true;
        }
    }

    @Test
    void tokensReachTheClientWhileTheTaskRunsThenTheHeldBackTextAndTheEnd() throws Exception {
        GenerateTask a = task(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        GenerateTask b = task(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        LiveStream stream = new LiveStream(List.of(a, b), in30s(), () -> false);
        Client client = new Client();
        Thread server = serve(stream, new Events(), client);

        stream.sink(0).token(7, "Hel", -0.5f);
        JsonNode first = client.next();
        assertEquals("token", first.get("kind").asText());
        assertEquals("Hel", first.get("text").asText());
        assertFalse(a.result().isDone(), "the token was on the wire before the task finished");
        stream.sink(1).token(9, "x", -1f);
        assertEquals(1, client.next().get("index").asInt());

        a.result().complete(completion("Hello", "stop"));      // "lo" was held back (a possible stop string)
        JsonNode rest = client.next();
        assertEquals("text", rest.get("kind").asText());
        assertEquals("lo", rest.get("text").asText());
        assertEquals("stop", client.next().get("text").asText());
        assertTrue(server.isAlive(), "the stream stays open while task 1 runs");

        b.result().complete(completion("x", "length"));
        assertEquals("length", client.next().get("text").asText());
        List<JsonNode> tail = new ArrayList<>();
        tail.add(client.next());
        assertEquals(null, tail.get(0), "closed by [DONE]");
        server.join(10_000);
        assertFalse(server.isAlive());
    }

    @Test
    void aClientThatLeavesCancelsItsTasks() throws Exception {
        GenerateTask a = task(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        LiveStream stream = new LiveStream(List.of(a), in30s(), () -> false);
        Client client = new Client();
        Thread server = serve(stream, new Events(), client);
        stream.sink(0).token(7, "a", -0.1f);
        client.next();
        client.gone = true;
        stream.sink(0).token(8, "b", -0.1f);
        server.join(10_000);
        assertFalse(server.isAlive());
        assertTrue(a.result().isCancelled(), "the generation row is freed for the next token");
    }

    @Test
    void aClosedConnectionIsNoticedWhileNoTokenComesAndCancelsTheTasks() throws Exception {
        GenerateTask a = task(in30s());
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        LiveStream stream = new LiveStream(List.of(a), in30s(), closed::get);
        Client client = new Client();
        Thread server = serve(stream, new Events(), client);
        stream.sink(0).token(7, "a", -0.1f);
        client.next();
        closed.set(true);      // the task is still queued or between tokens: nothing will be written for a while
        server.join(10_000);
        assertFalse(server.isAlive(), "the stream noticed the closed connection without writing");
        assertTrue(a.result().isCancelled());
    }

    @Test
    void theDeadlineEndsTheStreamWithATimeoutErrorEvent() throws Exception {
        GenerateTask a = task(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        LiveStream stream = new LiveStream(List.of(a), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200),
                () -> false);
        Client client = new Client();
        Thread server = serve(stream, new Events(), client);
        JsonNode error = client.next().get("error");
        assertEquals(504, error.get("code").asInt());
        assertEquals("timeout", error.get("type").asText());
        server.join(10_000);
        assertTrue(a.result().isCancelled());
    }

    @Test
    void aFailedTaskEndsTheStreamWithItsStatus() throws Exception {
        GenerateTask a = task(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        LiveStream stream = new LiveStream(List.of(a), in30s(), () -> false);
        Client client = new Client();
        serve(stream, new Events(), client);
        a.fail(new IllegalArgumentException("the prompt has 300 tokens, over the model's 256 positions"));
        JsonNode error = client.next().get("error");
        assertEquals(400, error.get("code").asInt());
        assertTrue(error.get("message").asText().contains("256 positions"));
    }
}
