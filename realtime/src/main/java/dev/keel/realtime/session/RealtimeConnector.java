package dev.keel.realtime.session;

/** Opens {@link RealtimeLink}s to a Realtime session. Implementations are thread-safe. */
@FunctionalInterface
public interface RealtimeConnector {

    /**
     * Connects with {@code bearer} as the credential.
     *
     * @throws dev.keel.core.error.KeelException when the handshake failed (status 401/403 for a bad
     *     or expired credential)
     */
    RealtimeLink connect(String bearer, RealtimeLink.Listener listener);
}
