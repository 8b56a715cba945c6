package dev.keel.realtime.session;

import java.time.Instant;

/**
 * The credential a session connects with: the API key (never rotates) or an ephemeral token from a
 * {@link dev.keel.realtime.token.TokenBroker}. Implementations are thread-safe and never put the
 * value in a message.
 */
public interface SessionCredentials {

    /** The bearer value for the WebSocket handshake. */
    String bearer();

    /** Whether it should be replaced before connecting at {@code now}. */
    boolean nearExpiry(Instant now);

    /** Replaces it now. @throws RuntimeException (e.g. a TokenRotationException) when that failed */
    void reissue();

    /** A fixed API key: never near expiry; reissuing keeps it. */
    static SessionCredentials apiKey(String key) {
        return new SessionCredentials() {
            @Override
            public String bearer() {
                return key;
            }

            @Override
            public boolean nearExpiry(Instant now) {
                return false;
            }

            @Override
            public void reissue() {}

            @Override
            public String toString() {
                return "SessionCredentials[apiKey=<redacted>]";
            }
        };
    }
}
