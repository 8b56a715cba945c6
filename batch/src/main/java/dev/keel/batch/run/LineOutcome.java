package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;

/** What happened to one request of a batch, read from its output or error file. */
public sealed interface LineOutcome {

    String customId();

    /** A 200 answer. */
    record Success(String customId, String requestId, JsonNode body) implements LineOutcome {}

    /**
     * A failure: its raw code (the line's {@code error.code}, else the response body's {@code
     * error.code}, else its {@code error.type}, else {@code http_<status>}), the body's error type,
     * the HTTP status when there was a response, and the message.
     */
    record Failure(String customId, String code, String type, Integer statusCode, String message)
            implements LineOutcome {}
}
