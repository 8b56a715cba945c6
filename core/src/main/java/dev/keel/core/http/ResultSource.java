package dev.keel.core.http;

/**
 * Where a call's answer came from: the upstream, or — while the call's circuit breaker was open —
 * a fallback. Any answer not from the upstream is {@code partial}: the caller should say so.
 */
public enum ResultSource {
    /** The upstream answered this call. */
    UPSTREAM,
    /** The last good answer stored under the call's fallback key, served while the breaker was open. */
    LAST_KNOWN_GOOD,
    /** The answer of a fallback the caller registered, served while the breaker was open. */
    FALLBACK;

    /** Whether an answer from here is not the upstream's answer to this call. */
    public boolean partial() {
        return this != UPSTREAM;
    }
}
