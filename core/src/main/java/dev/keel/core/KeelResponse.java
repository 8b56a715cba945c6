package dev.keel.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.PhaseTimings;
import dev.keel.core.json.Json;
import dev.keel.core.json.JsonSyntaxException;

/**
 * A successful answer with its metadata: status, request id, protocol, attempts and the last
 * attempt's phase timings. Immutable.
 */
public record KeelResponse(
        int status, byte[] body, String requestId, String protocol, int attempts, PhaseTimings timings) {

    static KeelResponse of(HttpResult r) {
        return new KeelResponse(r.status(), r.body(), r.requestId(), r.protocol(), r.attempts(), r.timings());
    }

    /**
     * The body as JSON.
     *
     * @throws KeelException of kind {@link ErrorKind#MALFORMED_RESPONSE} when it is not JSON
     */
    public JsonNode json() {
        try {
            return Json.parse(body);
        } catch (JsonSyntaxException e) {
            throw new KeelException(
                    ErrorKind.MALFORMED_RESPONSE,
                    "the upstream answered " + status + " with a body that is not JSON (" + e.getMessage() + ")",
                    status,
                    requestId,
                    null,
                    attempts,
                    e);
        }
    }

    /** {@code attempts=1 status=200 protocol=HTTP/2.0 request_id=… queued=… …}: one line for logs and the CLI. */
    public String summary() {
        return "attempts=" + attempts + " status=" + status + " protocol=" + protocol + " request_id=" + requestId + " "
                + (timings == null ? "" : timings.summary());
    }
}
