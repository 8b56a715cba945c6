package dev.keel.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.error.StreamTruncatedException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.SseEvent;
import dev.keel.core.http.SseReader;
import dev.keel.core.json.Json;
import java.io.IOException;
import java.util.Set;

/**
 * The events of a streamed answer, read one at a time. A stream that ends — cleanly or not — before
 * its terminal event ({@code response.completed}/{@code incomplete}/{@code failed}/{@code error}
 * for Responses, {@code [DONE]} for Chat Completions) ends in {@link StreamTruncatedException},
 * never in a quiet end. Not thread-safe; close it when done.
 */
public final class EventStream implements AutoCloseable {

    /** How a stream says it is finished. */
    public enum Terminal {
        RESPONSES,
        CHAT
    }

    private static final Set<String> RESPONSE_TERMINALS =
            Set.of("response.completed", "response.incomplete", "response.failed", "error");

    private final HttpResult result;
    private final SseReader reader;
    private final Terminal terminal;
    private int received;
    private boolean finished;

    /** Reads the events of a streaming answer from {@link dev.keel.core.KeelClient#execute} (a call made {@code asStream()}). */
    public static EventStream of(HttpResult result, Terminal terminal) {
        return new EventStream(result, terminal);
    }

    private EventStream(HttpResult result, Terminal terminal) {
        this.result = result;
        this.reader = new SseReader(result.stream());
        this.terminal = terminal;
    }

    /**
     * The next event's JSON, or null after the terminal event.
     *
     * @throws StreamTruncatedException when the stream breaks or ends before its terminal event
     */
    public JsonNode next() {
        if (finished) {
            return null;
        }
        SseEvent e;
        try {
            e = reader.next();
        } catch (IOException cut) {
            throw new StreamTruncatedException(received, result.requestId(), cut);
        }
        if (e == null) {
            throw new StreamTruncatedException(received, result.requestId(), null);
        }
        received++;
        if (e.isDone()) {
            finished = true;
            return null;
        }
        JsonNode json = Json.parse(e.data());
        if (terminal == Terminal.RESPONSES
                && RESPONSE_TERMINALS.contains(json.path("type").asText())) {
            finished = true;
        }
        return json;
    }

    /** Events received so far. */
    public int received() {
        return received;
    }

    /** The answer's metadata (status, request id, protocol, timings up to the headers). */
    public HttpResult result() {
        return result;
    }

    @Override
    public void close() {
        result.close();
    }
}
