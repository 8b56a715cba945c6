package dev.keel.core.http;

import dev.keel.core.error.KeelException;

/**
 * What a {@link WebSocketConnection} reports: text messages in arrival order, then exactly one of
 * {@link #onClosed} or {@link #onFailure}. Called on Jetty's threads, one message at a time;
 * implementations must not block for long.
 */
public interface WebSocketListener {

    /** One complete text message. */
    void onText(String text);

    /** The connection closed with a close frame (either side), e.g. {@code 1000} or {@code 1001}. */
    default void onClosed(int code, String reason) {}

    /** The connection broke without a close handshake; {@code failure} is of kind NETWORK. */
    default void onFailure(KeelException failure) {}
}
