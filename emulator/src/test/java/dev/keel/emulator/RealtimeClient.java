package dev.keel.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.PoolConfig;
import dev.keel.core.http.WebSocketConnection;
import dev.keel.core.http.WebSocketListener;
import dev.keel.core.http.WebSocketTransport;
import dev.keel.core.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client for the emulator's realtime WebSocket over core's WebSocket transport: send events, await types. */
final class RealtimeClient implements AutoCloseable {

    static final int RATE = 24_000;

    private final WebSocketTransport transport;
    private final WebSocketConnection connection;
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    final List<JsonNode> seen = new ArrayList<>();
    volatile int closeCode;
    volatile String closeReason;

    private RealtimeClient(WebSocketTransport transport, String query, String key) {
        this.transport = transport;
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onText(String text) {
                inbox.add(Json.parse(text));
            }

            @Override
            public void onClosed(int code, String reason) {
                closeCode = code;
                closeReason = reason;
                inbox.add(Json.object().put("type", "keel.closed"));
            }

            @Override
            public void onFailure(KeelException failure) {
                inbox.add(Json.object().put("type", "keel.failed"));
            }
        };
        try {
            this.connection = transport.connect(
                    "/realtime" + query, Map.of("Authorization", "Bearer " + key), Duration.ofSeconds(5), listener);
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    static RealtimeClient connect(Emulator emulator, String key) {
        return connect(emulator, "?model=gpt-realtime", key);
    }

    static RealtimeClient connect(Emulator emulator, String query, String key) {
        return new RealtimeClient(new WebSocketTransport(emulator.baseUrl(), PoolConfig.ofDefaults()), query, key);
    }

    void send(String json) {
        connection.send(json, Duration.ofSeconds(5));
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
        connection.close();
        transport.close();
    }
}
