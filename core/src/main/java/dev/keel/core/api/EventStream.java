package dev.keel.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.error.StreamTruncatedException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.SseEvent;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.internal.http.SseReader;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The events of a streamed answer, read one at a time. A stream that ends — cleanly or not — before
 * its terminal event ({@code response.completed}/{@code incomplete}/{@code failed}/{@code error}
 * for Responses, {@code [DONE]} for Chat Completions) ends in {@link StreamTruncatedException},
 * never in a quiet end; once cut, it stays cut. How the stream ended is reported once to the call's
 * listeners ({@link HttpResult#streamEnded}): finished (with the already parsed object carrying
 * {@code model} and {@code usage}, which {@code cost_usd_total} prices), truncated, or abandoned
 * when closed before its terminal event.
 *
 * <p>It is {@link Iterable} once: {@code for (JsonNode event : stream)} yields every event up to and
 * including the terminal one, then closes the stream itself (also when the stream is cut: the loop
 * throws {@link StreamTruncatedException}, the connection is already given back). A loop left early
 * ({@code break}, an exception of the caller's) leaves the stream open, so still open it in
 * try-with-resources, which then closes it as abandoned. Do not mix the loop with {@link #next()}.
 * Not thread-safe; close it when done.
 */
public final class EventStream implements AutoCloseable, Iterable<JsonNode> {

    /** How a stream says it is finished. */
    public enum Terminal {
        RESPONSES,
        CHAT
    }

    private enum State {
        OPEN,
        FINISHED,
        CUT,
        ABANDONED
    }

    private static final Set<String> RESPONSE_TERMINALS =
            Set.of("response.completed", "response.incomplete", "response.failed", "error");

    private final HttpResult result;
    private final SseReader reader;
    private final Terminal terminal;
    private int received;
    private State state = State.OPEN;
    private boolean closed;
    private boolean iterated;
    private StreamTruncatedException cut;
    /** Chat Completions: the last chunk whose usage is an object (include_usage), else null. */
    private JsonNode usageChunk;

    /** Reads the events of a streaming answer from {@link Caller#execute} (a call made {@code asStream()}). */
    public static EventStream of(HttpResult result, Terminal terminal) {
        return new EventStream(result, terminal);
    }

    private EventStream(HttpResult result, Terminal terminal) {
        this.result = result;
        this.reader = new SseReader(result.stream());
        this.terminal = terminal;
    }

    /**
     * The next event's JSON, or null after the terminal event (however often it is called).
     *
     * @throws StreamTruncatedException when the stream breaks or ends before its terminal event, and
     *     on every call after that
     * @throws IllegalStateException when the stream was closed before its terminal event
     */
    public JsonNode next() {
        switch (state) {
            case FINISHED -> {
                return null;
            }
            case CUT -> throw cut;
            case ABANDONED ->
                throw new IllegalStateException(
                        "the stream was closed after " + received + " event(s), before its terminal event");
            case OPEN -> {}
        }
        SseEvent e = read();
        received++;
        if (e.isDone()) {
            finish(usageChunk);
            return null;
        }
        JsonNode json = Json.parse(e.data());
        if (terminal == Terminal.CHAT) {
            if (json.path("usage").isObject()) {
                usageChunk = json;
            }
        } else if (RESPONSE_TERMINALS.contains(json.path("type").asText())) {
            finish(json.get("response"));
        }
        return json;
    }

    private SseEvent read() {
        SseEvent e;
        try {
            e = reader.next();
        } catch (IOException broken) {
            throw cut(broken);
        }
        if (e == null) {
            throw cut(null);
        }
        return e;
    }

    private StreamTruncatedException cut(IOException cause) {
        cut = new StreamTruncatedException(received, result.requestId(), cause);
        state = State.CUT;
        result.streamEnded(new StreamOutcome.Truncated(cut));
        return cut;
    }

    private void finish(JsonNode billed) {
        state = State.FINISHED;
        result.streamEnded(new StreamOutcome.Finished(received, billed));
    }

    /**
     * The events in order, the terminal one last; reaching the end (or a cut) closes the stream.
     *
     * @throws IllegalStateException when called a second time: the events can be read only once
     */
    @Override
    public Iterator<JsonNode> iterator() {
        if (iterated) {
            throw new IllegalStateException("this stream was already iterated; its events can be read only once (after "
                    + received + " event(s))");
        }
        iterated = true;
        return new Events();
    }

    /** Reads one event ahead; its {@code hasNext} and {@code next} throw what {@link #next()} throws. */
    private final class Events implements Iterator<JsonNode> {
        private JsonNode ahead;
        private boolean ended;

        @Override
        public boolean hasNext() {
            if (ahead == null && !ended) {
                ahead = readOrClose();
                ended = ahead == null;
            }
            return ahead != null;
        }

        @Override
        public JsonNode next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the stream ended after " + received + " event(s)");
            }
            JsonNode e = ahead;
            ahead = null;
            return e;
        }

        private JsonNode readOrClose() {
            try {
                JsonNode e = EventStream.this.next();
                if (e == null) {
                    close();
                }
                return e;
            } catch (StreamTruncatedException cutOff) {
                close();
                throw cutOff;
            }
        }
    }

    /** Events received so far. */
    public int received() {
        return received;
    }

    /** The answer's metadata (status, request id, protocol, timings up to the headers). */
    public HttpResult result() {
        return result;
    }

    /** Ends the stream and gives back its connection and permit; harmless when called again. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (state == State.OPEN) {
            state = State.ABANDONED;
            result.streamEnded(new StreamOutcome.Abandoned(received));
        }
        result.close();
    }
}
