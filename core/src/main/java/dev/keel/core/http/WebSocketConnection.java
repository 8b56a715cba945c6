package dev.keel.core.http;

import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One open WebSocket from {@link WebSocketTransport#connect}: send text, close politely, or drop
 * it. {@link java.io.IOException}s stay inside: failures leave as {@link KeelException} of kind
 * NETWORK or TIMEOUT. Thread-safe; Jetty queues concurrent sends in call order.
 */
public final class WebSocketConnection implements AutoCloseable {

    private final Session session;
    private final String where;

    WebSocketConnection(Session session, String where) {
        this.session = session;
        this.where = where;
    }

    /**
     * Sends one text message and returns once it has been written to the socket.
     *
     * @throws KeelException of kind NETWORK when the write failed or the connection is closed, TIMEOUT
     *     when it was not written within {@code timeout}
     */
    public void send(String text, Duration timeout) {
        CompletableFuture<Void> done = sendAsync(text);
        try {
            done.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure("the send failed: " + e.getCause(), ErrorKind.NETWORK, e.getCause());
        } catch (TimeoutException e) {
            throw failure("the send was not written within " + timeout.toMillis() + " ms", ErrorKind.TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while sending", ErrorKind.NETWORK, e);
        }
    }

    /** Sends one text message; the future completes when it has been written (or failed). */
    public CompletableFuture<Void> sendAsync(String text) {
        var done = new CompletableFuture<Void>();
        if (!session.isOpen()) {
            done.completeExceptionally(new java.io.IOException("the WebSocket is closed"));
            return done;
        }
        session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
        return done;
    }

    /** Whether the connection is open. */
    public boolean isOpen() {
        return session.isOpen();
    }

    /** Drops the connection without a close handshake, as a network failure would. */
    public void abort() {
        session.disconnect();
    }

    /** Closes politely with {@code 1000}. */
    @Override
    public void close() {
        close(1000, "bye");
    }

    /** Closes politely with this code and reason. */
    public void close(int code, String reason) {
        if (session.isOpen()) {
            session.close(code, reason, Callback.NOOP);
        }
    }

    private KeelException failure(String what, ErrorKind kind, Throwable cause) {
        return KeelException.of(kind, where + ": " + what)
                .attempts(1)
                .cause(cause)
                .build();
    }
}
