package dev.keel.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.error.StreamTruncatedException;

/**
 * How the body of a streamed answer ended, as its reader saw it: with its terminal event, cut
 * before it, or closed by the caller before it. Reported once per stream through {@link
 * HttpResult#streamEnded}. Immutable.
 */
public sealed interface StreamOutcome {

    /** Events read before the end. */
    int events();

    /**
     * The stream reached its terminal event ({@code response.completed}/{@code incomplete}/{@code
     * failed}/{@code error} for Responses, {@code [DONE]} for Chat Completions).
     *
     * @param billed the object stating the answer's {@code model} and {@code usage}, as already
     *     parsed: the terminal event's {@code response} (Responses) or the last chunk whose {@code
     *     usage} is an object (Chat Completions with {@code include_usage}); null when the stream
     *     carried none (an {@code error} event, a Chat stream without {@code include_usage})
     */
    record Finished(int events, JsonNode billed) implements StreamOutcome {}

    /** The stream broke or ended before its terminal event; the caller got {@code error}. */
    record Truncated(StreamTruncatedException error) implements StreamOutcome {
        @Override
        public int events() {
            return error.eventsReceived();
        }
    }

    /** The caller closed the stream before its terminal event. */
    record Abandoned(int events) implements StreamOutcome {}
}
