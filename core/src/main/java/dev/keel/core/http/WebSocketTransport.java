package dev.keel.core.http;

import dev.keel.core.error.ErrorClassifier;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * WebSocket connections to an upstream (the Realtime API's {@code /v1/realtime}) with the same pool
 * settings as keel's HTTP transport: connect timeout, idle timeout and TLS context come from the
 * {@link PoolConfig}; the upgrade is HTTP/1.1 ({@code ws://} or {@code wss://} derived from the
 * {@code http(s)} base URL). A failed upgrade leaves as a {@link KeelException} whose status is the
 * upstream's (401 → AUTH, 404 → NOT_FOUND, …). Thread-safe; share one per upstream.
 */
public final class WebSocketTransport implements AutoCloseable {

    private final URI baseUrl;
    private final HttpClient http;
    private final WebSocketClient client;

    /** @throws IllegalStateException when Jetty cannot start */
    public WebSocketTransport(URI baseUrl, PoolConfig pool) {
        this.baseUrl = baseUrl;
        var connector = new ClientConnector();
        if (pool.sslContext() != null) {
            var ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Client();
            ssl.setSslContext(pool.sslContext());
            connector.setSslContextFactory(ssl);
        }
        connector.setConnectTimeout(pool.connectTimeout());
        connector.setIdleTimeout(pool.idleTimeout());
        this.http = new HttpClient(new HttpClientTransportDynamic(connector, HttpClientConnectionFactory.HTTP11));
        http.setConnectTimeout(pool.connectTimeout().toMillis());
        http.setIdleTimeout(pool.idleTimeout().toMillis());
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "keel"));
        this.client = new WebSocketClient(http);
        client.setIdleTimeout(pool.idleTimeout());
        client.setMaxTextMessageSize(16L * 1024 * 1024);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the WebSocket client: " + e.getMessage(), e);
        }
    }

    /** The {@code ws(s)://} URI of {@code pathAndQuery} under the base URL, e.g. {@code /realtime?model=x}. */
    public URI uri(String pathAndQuery) {
        String base = baseUrl.toString().replaceFirst("^http", "ws");
        return URI.create(base + pathAndQuery);
    }

    /**
     * Opens a WebSocket and returns once the upgrade succeeded.
     *
     * @param headers sent with the upgrade request, e.g. {@code Authorization}; never logged
     * @throws KeelException of kind AUTH, NOT_FOUND, … with the upstream's status when it refused the
     *     upgrade; TIMEOUT when it did not complete within {@code timeout}; NETWORK when the connection
     *     failed
     */
    public WebSocketConnection connect(
            String pathAndQuery, Map<String, String> headers, Duration timeout, WebSocketListener listener) {
        URI uri = uri(pathAndQuery);
        String where = "WebSocket " + uri.getPath();
        var request = new ClientUpgradeRequest(uri);
        headers.forEach(request::setHeader);
        try {
            Session session = client.connect(new Endpoint(listener, where), request)
                    .get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return new WebSocketConnection(session, where);
        } catch (ExecutionException e) {
            throw failure(where, e.getCause());
        } catch (TimeoutException e) {
            throw KeelException.of(ErrorKind.TIMEOUT, where + ": no upgrade within " + timeout.toMillis() + " ms")
                    .attempts(1)
                    .cause(e)
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(where, e);
        } catch (java.io.IOException e) {
            throw failure(where, e);
        }
    }

    private static KeelException failure(String where, Throwable cause) {
        if (cause instanceof UpgradeException u && u.getResponseStatusCode() > 0) {
            int status = u.getResponseStatusCode();
            return KeelException.of(
                            ErrorClassifier.ofStatus(status, null),
                            where + ": the upgrade was refused with HTTP " + status
                                    + (status == 401 || status == 403
                                            ? " (check the key or mint a fresh ephemeral token)"
                                            : ""))
                    .status(status)
                    .attempts(1)
                    .cause(cause)
                    .build();
        }
        return KeelException.of(ErrorClassifier.ofFailure(cause), where + ": the connection failed: " + cause)
                .attempts(1)
                .cause(cause)
                .build();
    }

    @Override
    public void close() {
        try {
            client.stop();
            http.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the WebSocket client: " + e.getMessage(), e);
        }
    }

    /** Not API (public only because Jetty calls it reflectively): adapts Jetty's listener to {@link WebSocketListener}, one close or failure report per connection. */
    public static final class Endpoint implements Session.Listener.AutoDemanding {
        private final WebSocketListener listener;
        private final String where;
        private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

        Endpoint(WebSocketListener listener, String where) {
            this.listener = listener;
            this.where = where;
        }

        @Override
        public void onWebSocketText(String text) {
            listener.onText(text);
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            if (ended.compareAndSet(false, true)) {
                if (code == 1006) {
                    listener.onFailure(
                            KeelException.of(ErrorKind.NETWORK, where + ": the connection dropped (" + reason + ")")
                                    .attempts(1)
                                    .build());
                } else {
                    listener.onClosed(code, reason);
                }
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            if (ended.compareAndSet(false, true)) {
                listener.onFailure(KeelException.of(ErrorKind.NETWORK, where + ": the connection failed: " + cause)
                        .attempts(1)
                        .cause(cause)
                        .build());
            }
        }
    }
}
