package dev.keel.emulator;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request as the emulator received it, for tests to assert on (headers such as {@code
 * Idempotency-Key}, bodies, how many calls reached the upstream). Immutable.
 *
 * @param method the HTTP method
 * @param path the path without query, e.g. {@code /v1/responses}
 * @param query the raw query string, empty when none
 * @param headers header names in lower case, each with its values in order
 * @param body the body as UTF-8 text; multipart bodies are not kept and read {@code <multipart>}
 * @param requestId the {@code x-request-id} the emulator answered with
 * @param protocol the HTTP version, e.g. {@code HTTP/1.1} or {@code HTTP/2.0}
 */
public record RecordedRequest(
        String method,
        String path,
        String query,
        Map<String, List<String>> headers,
        String body,
        String requestId,
        String protocol) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, looked up without regard to case. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
