package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The realtime WebSocket over real sockets: handshake auth, server VAD, answers, cancel, truncate, expiry. */
class RealtimeSocketTest {

    private static Emulator emulator;

    @BeforeAll
    static void start() {
        emulator = Emulator.start(EmulatorConfig.builder()
                .requiredKey("sk-test-realtime")
                .realtime(RealtimeSettings.ofDefaults().withAudioPace(5).withAnswerDuration(Duration.ofMillis(1500)))
                .build());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static RealtimeClient open() {
        var c = RealtimeClient.connect(emulator, "sk-test-realtime");
        c.await("session.created");
        return c;
    }

    /** 400 ms of speech, then 600 ms of silence: one user turn for server VAD (silence 200 ms). */
    private static void speak(RealtimeClient c) {
        c.audio(400, true);
        c.audio(600, false);
    }

    @Test
    void handshake_withoutAKnownKey_isRefusedWith401() {
        assertThatThrownBy(() -> RealtimeClient.connect(emulator, "sk-wrong"))
                .isInstanceOfSatisfying(
                        RealtimeClient.HandshakeRefused.class,
                        e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> RealtimeClient.connect(emulator, "ek_never_issued"))
                .isInstanceOfSatisfying(
                        RealtimeClient.HandshakeRefused.class,
                        e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void handshake_withoutModel_isRefusedWith400() {
        assertThatThrownBy(() -> RealtimeClient.connect(emulator, "", "sk-test-realtime"))
                .isInstanceOfSatisfying(
                        RealtimeClient.HandshakeRefused.class,
                        e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void handshake_withAnIssuedClientSecret_opensASessionWithTheSecretsConfig() throws Exception {
        var body = "{\"expires_after\":{\"anchor\":\"created_at\",\"seconds\":60},"
                + "\"session\":{\"type\":\"realtime\",\"model\":\"gpt-realtime\",\"instructions\":\"Be brief.\"}}";
        var response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(emulator.baseUrl() + "/realtime/client_secrets"))
                                .header("Authorization", "Bearer sk-test-realtime")
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        String secret = Json.parse(response.body()).get("value").asText();
        try (var c = RealtimeClient.connect(emulator, secret)) {
            JsonNode created = c.await("session.created");
            assertThat(created.at("/session/instructions").asText()).isEqualTo("Be brief.");
        }
    }

    @Test
    void speech_thenSilence_detectsTheTurnAndAnswersWithAudioAndTranscript() {
        try (var c = open()) {
            speak(c);
            JsonNode started = c.await("input_audio_buffer.speech_started");
            JsonNode stopped = c.await("input_audio_buffer.speech_stopped");
            assertThat(started.get("audio_start_ms").asLong()).isZero();
            assertThat(stopped.get("audio_end_ms").asLong()).isBetween(600L, 620L);
            assertThat(stopped.get("item_id").asText())
                    .isEqualTo(started.get("item_id").asText());
            c.await("input_audio_buffer.committed");
            JsonNode created = c.await("response.created");
            c.await("response.output_item.added");
            c.await("response.output_audio.delta");
            c.await("response.output_audio_transcript.delta");
            JsonNode done = c.await("response.done");
            assertThat(done.at("/response/status").asText()).isEqualTo("completed");
            assertThat(done.at("/response/id").asText())
                    .isEqualTo(created.at("/response/id").asText());
            long audioMs = c.seen.stream()
                    .filter(e -> e.path("type").asText().equals("response.output_audio.delta"))
                    .mapToLong(e ->
                            java.util.Base64.getDecoder().decode(e.get("delta").asText()).length / 48)
                    .sum();
            assertThat(audioMs).isEqualTo(1500);
        }
    }

    @Test
    void speechWhileAnswering_cancelsTheAnswerWithTurnDetected() {
        try (var c = open()) {
            speak(c);
            c.await("response.output_audio.delta");
            c.audio(200, true);
            c.await("input_audio_buffer.speech_started");
            JsonNode done = c.await("response.done");
            assertThat(done.at("/response/status").asText()).isEqualTo("cancelled");
            assertThat(done.at("/response/status_details/reason").asText()).isEqualTo("turn_detected");
        }
    }

    @Test
    void responseCancel_whileAnswering_endsItAsClientCancelled() {
        try (var c = open()) {
            speak(c);
            JsonNode created = c.await("response.created");
            c.send(Json.object()
                    .put("type", "response.cancel")
                    .put("response_id", created.at("/response/id").asText()));
            JsonNode done = c.await("response.done");
            assertThat(done.at("/response/status").asText()).isEqualTo("cancelled");
            assertThat(done.at("/response/status_details/reason").asText()).isEqualTo("client_cancelled");
        }
    }

    @Test
    void responseCancel_withNothingActive_answersWithAnErrorEventAndKeepsTheSession() {
        try (var c = open()) {
            c.send("{\"type\":\"response.cancel\",\"event_id\":\"evt_1\"}");
            JsonNode error = c.await("error");
            assertThat(error.at("/error/code").asText()).isEqualTo("response_cancel_not_active");
            assertThat(error.at("/error/event_id").asText()).isEqualTo("evt_1");
            c.send("{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"instructions\":\"x\"}}");
            assertThat(c.await("session.updated").at("/session/instructions").asText())
                    .isEqualTo("x");
        }
    }

    @Test
    void truncate_beyondTheAudioSent_isRejected_withinIt_isConfirmed() {
        try (var c = open()) {
            speak(c);
            JsonNode added = c.await("response.output_item.added");
            String item = added.at("/item/id").asText();
            c.await("response.done");
            c.send(Json.object()
                    .put("type", "conversation.item.truncate")
                    .put("item_id", item)
                    .put("content_index", 0)
                    .put("audio_end_ms", 1600));
            assertThat(c.await("error").at("/error/message").asText()).contains("already shorter than 1600ms");
            c.send(Json.object()
                    .put("type", "conversation.item.truncate")
                    .put("item_id", item)
                    .put("content_index", 0)
                    .put("audio_end_ms", 400));
            JsonNode truncated = c.await("conversation.item.truncated");
            assertThat(truncated.get("audio_end_ms").asLong()).isEqualTo(400);
            assertThat(truncated.get("item_id").asText()).isEqualTo(item);
        }
    }

    @Test
    void session_pastItsMaximumDuration_getsSessionExpiredAndIsClosed() {
        try (var short_ = Emulator.start(EmulatorConfig.builder()
                        .realtime(RealtimeSettings.ofDefaults().withMaxSessionDuration(Duration.ofMillis(300)))
                        .build());
                var c = RealtimeClient.connect(short_, "sk-any")) {
            c.await("session.created");
            JsonNode error = c.await("error");
            assertThat(error.at("/error/code").asText()).isEqualTo("session_expired");
            c.await("keel.closed");
            assertThat(c.closeCode).isEqualTo(1001);
        }
    }

    @Test
    void serverEvents_conformToTheSpecsRealtimeServerEventSchemas() {
        try (var c = open()) {
            speak(c);
            c.await("response.done");
            c.audio(400, true);
            c.audio(300, false);
            c.await("response.output_audio.delta");
            c.audio(100, true);
            c.await("response.done");
            c.send("{\"type\":\"response.cancel\"}");
            c.await("error");
        }
        Map<String, String> schemas = Map.ofEntries(
                Map.entry("session.created", "RealtimeServerEventSessionCreated"),
                Map.entry("session.updated", "RealtimeServerEventSessionUpdated"),
                Map.entry("conversation.item.truncated", "RealtimeServerEventConversationItemTruncated"),
                Map.entry("input_audio_buffer.speech_started", "RealtimeServerEventInputAudioBufferSpeechStarted"),
                Map.entry("input_audio_buffer.speech_stopped", "RealtimeServerEventInputAudioBufferSpeechStopped"),
                Map.entry("input_audio_buffer.committed", "RealtimeServerEventInputAudioBufferCommitted"),
                Map.entry("conversation.item.added", "RealtimeServerEventConversationItemAdded"),
                Map.entry("conversation.item.done", "RealtimeServerEventConversationItemDone"),
                Map.entry("response.created", "RealtimeServerEventResponseCreated"),
                Map.entry("response.output_item.added", "RealtimeServerEventResponseOutputItemAdded"),
                Map.entry("response.output_item.done", "RealtimeServerEventResponseOutputItemDone"),
                Map.entry("response.content_part.added", "RealtimeServerEventResponseContentPartAdded"),
                Map.entry("response.content_part.done", "RealtimeServerEventResponseContentPartDone"),
                Map.entry("response.output_audio.delta", "RealtimeServerEventResponseAudioDelta"),
                Map.entry("response.output_audio.done", "RealtimeServerEventResponseAudioDone"),
                Map.entry("response.output_audio_transcript.delta", "RealtimeServerEventResponseAudioTranscriptDelta"),
                Map.entry("response.output_audio_transcript.done", "RealtimeServerEventResponseAudioTranscriptDone"),
                Map.entry("response.done", "RealtimeServerEventResponseDone"),
                Map.entry("error", "RealtimeServerEventError"));
        var spec = OpenApiSpec.get();
        List<RealtimeEvent> sent =
                emulator.realtimeEvents().stream().filter(e -> !e.fromClient()).toList();
        assertThat(sent.stream().map(RealtimeEvent::type))
                .containsAll(schemas.keySet().stream()
                        .filter(t -> !t.equals("session.updated") && !t.equals("conversation.item.truncated"))
                        .toList());
        for (RealtimeEvent e : sent) {
            String schema = schemas.get(e.type());
            assertThat(schema).as("a schema for " + e.type()).isNotNull();
            assertThat(spec.validate("#/components/schemas/" + schema, e.event()))
                    .as(e.type() + ": " + e.event())
                    .isEmpty();
        }
    }
}
