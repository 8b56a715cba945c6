package dev.keel.core.fallback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.http.HttpCall;
import java.util.Optional;

/**
 * A fallback the caller registers on the client ({@code KeelClient.Builder.fallback}): the JSON
 * answer for a non-critical call whose circuit breaker is open and for which no last known good
 * answer is kept, or empty to let the call fail with {@code CircuitOpenException}. Implementations
 * must be thread-safe and quick (they run on the calling thread, with no upstream to wait for).
 */
@FunctionalInterface
public interface FallbackHandler {

    /** The answer to serve for {@code call} (served with status 200, flagged partial), or empty to decline. */
    Optional<JsonNode> answer(HttpCall call, CallOptions options);
}
