package dev.keel.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.error.StreamTruncatedException;
import dev.keel.core.json.JsonPeek;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A streamed answer's body as its reader (the official SDK through {@code keel-openai-java}, the
 * gateway copying it to its client) reads it, byte for byte as it arrives (nothing buffered
 * ahead), watched on the way through so keel hears how the stream ended — as it does for its own
 * {@code EventStream}: finished with its terminal event (with the object carrying {@code model} and
 * {@code usage}, which the cost meter prices), cut, or closed early. A body that breaks, or ends
 * before its terminal event ({@code response.completed}/{@code incomplete}/{@code failed}/{@code
 * error} for Responses, {@code [DONE]} for Chat Completions), fails the SDK's read with an {@link
 * IOException} whose cause is keel's {@link StreamTruncatedException}, never a clean end. Not
 * thread-safe (one reader, as the SDK reads it).
 */
public final class SseMeter extends InputStream {

    private static final Set<String> RESPONSE_TERMINALS =
            Set.of("response.completed", "response.incomplete", "response.failed", "error");

    private final HttpResult result;
    private final InputStream in;
    private final boolean chat;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private final byte[] one = new byte[1];
    private boolean hasData;
    private int events;
    private JsonNode usageChunk;
    private boolean ended;
    private IOException cut;
    private StreamOutcome outcome;

    /**
     * Watches {@code result}'s stream.
     *
     * @param chat whether it is a Chat Completions stream (ends with {@code [DONE]}) rather than a
     *     Responses one (ends with its terminal event)
     */
    public SseMeter(HttpResult result, boolean chat) {
        this.result = result;
        this.in = result.stream();
        this.chat = chat;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (cut != null) {
            throw cut;
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException broken) {
            throw truncated(broken);
        }
        if (n < 0) {
            endOfLine();
            dispatch();
            if (!ended) {
                throw truncated(null);
            }
            return -1;
        }
        for (int i = off; i < off + n; i++) {
            feed(b[i]);
        }
        return n;
    }

    private void feed(byte c) {
        if (c == '\n') {
            endOfLine();
        } else if (c != '\r') {
            line.write(c);
        }
    }

    private void endOfLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isEmpty()) {
            dispatch();
        } else if (text.startsWith("data:")) {
            if (hasData) {
                data.append('\n');
            }
            data.append(text.substring(5).stripLeading());
            hasData = true;
        }
    }

    /** One event is complete: count it and see whether it is the terminal one. */
    private void dispatch() {
        if (!hasData) {
            return;
        }
        String payload = data.toString();
        data.setLength(0);
        hasData = false;
        events++;
        if (ended) {
            return;
        }
        if (payload.equals("[DONE]")) {
            finish(usageChunk);
            return;
        }
        byte[] json = payload.getBytes(StandardCharsets.UTF_8);
        // Scanned, not parsed: only the event that ends the stream (or carries chat usage) is parsed.
        if (chat) {
            if (carriesUsage(json)) {
                usageChunk = parse(json);
            }
        } else if (isTerminal(json)) {
            JsonNode terminal = parse(json);
            finish(terminal == null ? null : terminal.get("response"));
        }
    }

    /** Whether a chat chunk has a top-level {@code usage} object (false for a malformed chunk). */
    private static boolean carriesUsage(byte[] json) {
        try {
            return JsonPeek.hasObjectNearEnd(json, "usage");
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** A Responses event whose top-level {@code type} ends the stream; a malformed event does not. */
    private static boolean isTerminal(byte[] json) {
        String type;
        try {
            type = JsonPeek.string(json, "type");
        } catch (RuntimeException malformed) {
            return false; // the SDK reports a malformed event itself
        }
        return type != null && RESPONSE_TERMINALS.contains(type);
    }

    /** The event's JSON, or null when it is malformed (the SDK reports that itself). */
    private static JsonNode parse(byte[] json) {
        try {
            return Json.parse(json);
        } catch (JsonSyntaxException e) {
            return null;
        }
    }

    private void finish(JsonNode billed) {
        ended = true;
        report(new StreamOutcome.Finished(events, billed));
    }

    private IOException truncated(IOException cause) {
        var error = new StreamTruncatedException(events, result.requestId(), cause);
        ended = true;
        report(new StreamOutcome.Truncated(error));
        cut = new IOException(error.getMessage(), error);
        return cut;
    }

    private void report(StreamOutcome o) {
        outcome = o;
        result.streamEnded(o);
    }

    /**
     * How the stream ended ({@link StreamOutcome.Finished} carries the billed object), or null while
     * it has not ended.
     */
    public StreamOutcome outcome() {
        return outcome;
    }

    /** Ends the stream and gives back its connection and permit; an early close counts as abandoned. */
    @Override
    public void close() {
        if (!ended) {
            endOfLine(); // an event whose blank line the SDK did not wait for
            dispatch();
        }
        if (!ended) {
            ended = true;
            report(new StreamOutcome.Abandoned(events));
        }
        result.close();
    }
}
