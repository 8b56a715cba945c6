package dev.keel.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A test client for the emulator's realtime WebSocket over the JDK's own WebSocket client (the
 * emulator's tests use no keel client code): send events, await types.
 */
final class RealtimeClient implements AutoCloseable {

    static final int RATE = 24_000;

    /** The server refused the upgrade with this HTTP status. */
    static final class HandshakeRefused extends RuntimeException {
        private final int status;

        HandshakeRefused(int status) {
            super("the WebSocket upgrade was refused with HTTP " + status);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final HttpClient http;
    private final WebSocket socket;
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    final List<JsonNode> seen = new ArrayList<>();
    volatile int closeCode;
    volatile String closeReason;

    private RealtimeClient(URI uri, String key) {
        this.http = HttpClient.newHttpClient();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    inbox.add(Json.parse(partial.toString()));
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                closeCode = code;
                closeReason = reason;
                inbox.add(Json.object().put("type", "keel.closed"));
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                inbox.add(Json.object().put("type", "keel.failed"));
            }
        };
        try {
            this.socket = http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + key)
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(uri, listener)
                    .get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            http.close();
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new HandshakeRefused(refused.getResponse().statusCode());
            }
            throw new IllegalStateException("cannot connect to " + uri, e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            http.close();
            throw new IllegalStateException("no WebSocket upgrade from " + uri + " within 5 s", e);
        }
    }

    static RealtimeClient connect(Emulator emulator, String key) {
        return connect(emulator, "?model=gpt-realtime", key);
    }

    static RealtimeClient connect(Emulator emulator, String query, String key) {
        String base = emulator.baseUrl().toString().replaceFirst("^http", "ws");
        return new RealtimeClient(URI.create(base + "/realtime" + query), key);
    }

    void send(String json) {
        try {
            socket.sendText(json, true).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot send " + json, e);
        }
    }

    void send(JsonNode event) {
        send(Json.write(event));
    }

    /** Appends {@code ms} of speech (a loud tone) or silence as one event. */
    void audio(long ms, boolean speech) {
        send(Json.object().put("type", "input_audio_buffer.append").put("audio", pcm(ms, speech)));
    }

    static String pcm(long ms, boolean speech) {
        int n = (int) (RATE * ms / 1000);
        byte[] b = new byte[n * 2];
        for (int i = 0; speech && i < n; i++) {
            short s = (short) (9000 * Math.sin(2 * Math.PI * 300 * i / RATE));
            b[2 * i] = (byte) s;
            b[2 * i + 1] = (byte) (s >> 8);
        }
        return Base64.getEncoder().encodeToString(b);
    }

    /** The next event of this type; every event on the way is kept in {@link #seen}. */
    JsonNode await(String type) {
        try {
            while (true) {
                JsonNode e = inbox.poll(10, TimeUnit.SECONDS);
                if (e == null) {
                    throw new AssertionError("no '" + type + "' within 10 s; seen " + types());
                }
                seen.add(e);
                if (e.path("type").asText().equals(type)) {
                    return e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    List<String> types() {
        return seen.stream().map(e -> e.path("type").asText()).toList();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "")
                    .orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null)
                    .join();
        }
        socket.abort();
        http.close();
    }
}
