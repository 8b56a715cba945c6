package dev.keel.realtime.session;

/**
 * One open connection to a Realtime session, as the controller sees it. Implementations are
 * thread-safe.
 */
public interface RealtimeLink extends AutoCloseable {

    /**
     * Sends one client event and returns once it left the socket.
     *
     * @throws dev.keel.core.error.KeelException when it could not be sent
     */
    void send(String event);

    /** Drops the connection without a close handshake (a forced disconnect). */
    void abort();

    /** Closes it politely. */
    @Override
    void close();

    /** What a link reports. */
    interface Listener {
        void onEvent(String event);

        /** The connection ended (closed or broken); {@code code} 1006 for a drop. */
        void onEnded(int code, String reason);
    }
}
