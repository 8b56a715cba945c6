package dev.keel.realtime.session;

import dev.keel.core.KeelClientConfig;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.WebSocketConnection;
import dev.keel.core.http.WebSocketListener;
import dev.keel.core.http.WebSocketTransport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Connects to {@code /v1/realtime?model=…} (or {@code ?call_id=…} for a sideband on a WebRTC or
 * SIP call) through core's {@link WebSocketTransport}, with the client configuration's base URL,
 * pool settings, organization and project headers, and the session's bearer. Thread-safe.
 */
public final class WebSocketConnector implements RealtimeConnector, AutoCloseable {

    private final WebSocketTransport transport;
    private final String pathAndQuery;
    private final Map<String, String> identity = new LinkedHashMap<>();
    private final Duration handshakeTimeout;
    private final Duration sendTimeout;

    private WebSocketConnector(KeelClientConfig config, String query) {
        this.transport = new WebSocketTransport(config.baseUrl(), config.pool());
        this.pathAndQuery = "/realtime?" + query;
        if (config.organization() != null) {
            identity.put("OpenAI-Organization", config.organization());
        }
        if (config.project() != null) {
            identity.put("OpenAI-Project", config.project());
        }
        this.handshakeTimeout = config.pool().connectTimeout().plusSeconds(5);
        this.sendTimeout = config.perCallTimeout();
    }

    /** A connector for new sessions of {@code model}. */
    public static WebSocketConnector forModel(KeelClientConfig config, String model) {
        return new WebSocketConnector(config, "model=" + URLEncoder.encode(model, StandardCharsets.UTF_8));
    }

    /** A sideband connector for an existing WebRTC/SIP call (use the API key, not an ephemeral one). */
    public static WebSocketConnector forCall(KeelClientConfig config, String callId) {
        return new WebSocketConnector(config, "call_id=" + URLEncoder.encode(callId, StandardCharsets.UTF_8));
    }

    @Override
    public RealtimeLink connect(String bearer, RealtimeLink.Listener listener) {
        var headers = new LinkedHashMap<>(identity);
        headers.put("Authorization", "Bearer " + bearer);
        WebSocketConnection c = transport.connect(pathAndQuery, headers, handshakeTimeout, new WebSocketListener() {
            @Override
            public void onText(String text) {
                listener.onEvent(text);
            }

            @Override
            public void onClosed(int code, String reason) {
                listener.onEnded(code, reason);
            }

            @Override
            public void onFailure(KeelException failure) {
                listener.onEnded(1006, failure.getMessage());
            }
        });
        return new RealtimeLink() {
            @Override
            public void send(String event) {
                c.send(event, sendTimeout);
            }

            @Override
            public void abort() {
                c.abort();
            }

            @Override
            public void close() {
                c.close();
            }
        };
    }

    @Override
    public void close() {
        transport.close();
    }
}
