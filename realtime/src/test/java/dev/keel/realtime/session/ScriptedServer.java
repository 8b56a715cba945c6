package dev.keel.realtime.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.wire.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory Realtime peer for the controller's unit tests (the end-to-end tests use the
 * emulator): records the client events of each connection, lets the test push server events, and
 * fails sends or connects on demand. Events are delivered on the calling thread.
 */
final class ScriptedServer implements RealtimeConnector {

    final List<String> bearers = new ArrayList<>();
    final List<JsonNode> received = new ArrayList<>();
    int failConnects;
    int failConnectsWithStatus;
    boolean failSends;
    private RealtimeLink.Listener listener;
    private int sessions;

    @Override
    public RealtimeLink connect(String bearer, RealtimeLink.Listener l) {
        bearers.add(bearer);
        if (failConnects > 0) {
            failConnects--;
            int status = failConnectsWithStatus;
            throw KeelException.of(status == 0 ? ErrorKind.NETWORK : ErrorKind.AUTH, "scripted connect failure")
                    .status(status)
                    .attempts(1)
                    .build();
        }
        listener = l;
        push("{\"type\":\"session.created\",\"event_id\":\"ev_c\",\"session\":{\"id\":\"sess_" + (++sessions)
                + "\",\"audio\":{\"input\":{\"turn_detection\":{\"silence_duration_ms\":200}}}}}");
        return new RealtimeLink() {
            @Override
            public void send(String event) {
                if (failSends) {
                    throw KeelException.of(ErrorKind.NETWORK, "scripted send failure")
                            .attempts(1)
                            .build();
                }
                received.add(Json.parse(event));
            }

            @Override
            public void abort() {}

            @Override
            public void close() {}
        };
    }

    void push(String event) {
        listener.onEvent(event);
    }

    void drop() {
        listener.onEnded(1006, "dropped");
    }

    List<String> types() {
        return received.stream().map(e -> e.path("type").asText()).toList();
    }

    List<JsonNode> ofType(String type) {
        return received.stream()
                .filter(e -> e.path("type").asText().equals(type))
                .toList();
    }

    /** A user turn ended, then an answer with {@code audioMs} of audio in one delta. */
    void answer(String responseId, String itemId, int audioMs) {
        push("{\"type\":\"input_audio_buffer.speech_stopped\",\"audio_end_ms\":0}");
        push("{\"type\":\"response.created\",\"response\":{\"id\":\"" + responseId
                + "\",\"conversation_id\":\"conv_1\"}}");
        push("{\"type\":\"response.output_item.added\",\"response_id\":\"" + responseId + "\",\"item\":{\"id\":\""
                + itemId + "\"}}");
        audio(responseId, itemId, audioMs);
    }

    void audio(String responseId, String itemId, int audioMs) {
        String b64 = java.util.Base64.getEncoder().encodeToString(new byte[audioMs * 48]);
        push("{\"type\":\"response.output_audio.delta\",\"event_id\":\"ev_a\",\"response_id\":\"" + responseId
                + "\",\"item_id\":\"" + itemId + "\",\"delta\":\"" + b64 + "\"}");
    }

    void done(String responseId, String status) {
        push("{\"type\":\"response.done\",\"response\":{\"id\":\"" + responseId + "\",\"status\":\"" + status + "\"}}");
    }
}
