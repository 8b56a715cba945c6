package dev.keel.realtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RealtimeEvent;
import dev.keel.emulator.RealtimeSettings;
import dev.keel.realtime.SyntheticSpeech;
import dev.keel.realtime.token.TokenBroker;
import dev.keel.realtime.token.TokenIssuer;
import dev.keel.realtime.token.TokenRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session controller against the emulator's realtime WebSocket over real sockets, with ephemeral tokens. */
class SessionEndToEndTest {

    private static final String KEY = "sk-test-realtime-e2e";

    private Emulator emulator;
    private KeelClient client;
    private WebSocketConnector connector;
    private TokenBroker broker;
    private SessionController controller;
    private final List<String> recoveries = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder()
                .requiredKey(KEY)
                .realtime(RealtimeSettings.ofDefaults().withAudioPace(4).withAnswerDuration(Duration.ofMillis(3000)))
                .build());
        var config = KeelClientConfig.builder(KEY, emulator.baseUrl()).build();
        client = KeelClient.builder(config).build();
        connector = WebSocketConnector.forModel(config, "gpt-realtime");
        broker = new TokenBroker(
                new TokenIssuer(client)::issue,
                TokenRequest.ofDefaults(),
                InstantSource.system(),
                new SimpleMeterRegistry());
        controller = SessionController.builder(connector, broker)
                .listener(new SessionListener() {
                    @Override
                    public void recovered(String reason, RecoveryPlan plan, boolean newToken, String summary) {
                        recoveries.add(reason + " newToken=" + newToken);
                    }
                })
                .build();
        controller.start();
    }

    @AfterEach
    void stop() {
        controller.close();
        connector.close();
        client.close();
        emulator.close();
    }

    /** Streams {@code voicedMs} of speech then {@code silentMs} of silence in 20 ms chunks. */
    private void say(int voicedMs, int silentMs) {
        for (int i = 0; i < voicedMs / 20; i++) {
            controller.appendAudio(SyntheticSpeech.voiced(20), Instant.now());
        }
        for (int i = 0; i < silentMs / 20; i++) {
            controller.appendAudio(SyntheticSpeech.silence(20), Instant.now());
        }
    }

    private List<RealtimeEvent> events() {
        return emulator.realtimeEvents();
    }

    private List<String> handshakeKeys() {
        return emulator.requests("GET", "/v1/realtime").stream()
                .map(r -> r.header("authorization").orElse(""))
                .toList();
    }

    @Test
    void bargeIn_cancelsAndTruncatesWithinTheAudioDelivered_andResponsesNeverOverlap() {
        say(400, 300);
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.snapshot().audioReceivedMs() >= 400);
        String first = controller.snapshot().responseId();
        say(300, 300); // the user talks over the answer
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events().stream().anyMatch(e -> e.type().equals("conversation.item.truncate")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events().stream()
                                .filter(e -> e.type().equals("response.done"))
                                .count()
                        >= 2);

        List<RealtimeEvent> all = events();
        RealtimeEvent cancel = all.stream()
                .filter(e -> e.fromClient() && e.type().equals("response.cancel"))
                .findFirst()
                .orElseThrow();
        assertThat(cancel.event().get("response_id").asText()).isEqualTo(first);
        RealtimeEvent truncate = all.stream()
                .filter(e -> e.fromClient() && e.type().equals("conversation.item.truncate"))
                .findFirst()
                .orElseThrow();
        String item = truncate.event().get("item_id").asText();
        long deliveredMs = 0;
        for (RealtimeEvent e : all) {
            if (e == truncate) {
                break;
            }
            if (!e.fromClient()
                    && e.type().equals("response.output_audio.delta")
                    && e.event().get("item_id").asText().equals(item)) {
                deliveredMs += java.util.Base64.getDecoder()
                                .decode(e.event().get("delta").asText())
                                .length
                        / 48;
            }
        }
        long audioEnd = truncate.event().get("audio_end_ms").asLong();
        assertThat(audioEnd).isPositive().isLessThanOrEqualTo(deliveredMs);
        assertThat(all.stream().filter(e -> !e.fromClient() && e.type().equals("error")))
                .allSatisfy(
                        e -> assertThat(e.event().at("/error/code").asText()).isEqualTo("response_cancel_not_active"));
        assertNoOverlappingResponses(all);
        assertThat(controller.metrics().interruptFailRate()).isZero();
    }

    private static void assertNoOverlappingResponses(List<RealtimeEvent> all) {
        Map<String, Set<String>> activeBySession = new HashMap<>();
        List<String> created = new ArrayList<>();
        for (RealtimeEvent e : all) {
            if (e.fromClient()) {
                continue;
            }
            Set<String> active = activeBySession.computeIfAbsent(e.sessionId(), s -> new HashSet<>());
            if (e.type().equals("response.created")) {
                assertThat(active)
                        .as("responses active when " + e.event().at("/response/id") + " starts")
                        .isEmpty();
                active.add(e.event().at("/response/id").asText());
                created.add(e.event().at("/response/id").asText());
            } else if (e.type().equals("response.done")) {
                active.remove(e.event().at("/response/id").asText());
            }
        }
        assertThat(created).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void droppedConnection_recoversWithTheSameTokenAndTheSummary_tokenExpiredGetsANewToken() {
        say(400, 300);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events().stream().anyMatch(e -> e.type().equals("response.done")));
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.phase() == Phase.LISTENING);
        assertThat(controller.summary()).contains("assistant: This is emulated answer number 1");

        emulator.dropRealtimeConnections();
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveries.size() == 1);
        assertThat(recoveries).containsExactly("network_switch newToken=false");
        assertThat(controller.phase()).isEqualTo(Phase.LISTENING);
        List<String> keys = handshakeKeys();
        assertThat(keys).hasSize(2);
        assertThat(keys.get(1)).isEqualTo(keys.get(0)).startsWith("Bearer ek_");
        JsonNode replay = events().stream()
                .filter(e -> e.fromClient() && e.type().equals("conversation.item.create"))
                .findFirst()
                .orElseThrow()
                .event();
        assertThat(replay.at("/item/content/0/text").asText()).contains("This is emulated answer number 1");

        controller.recover(RecoveryPlan.TOKEN_EXPIRED);
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveries.size() == 2);
        assertThat(recoveries.get(1)).isEqualTo("token_expired newToken=true");
        keys = handshakeKeys();
        assertThat(keys).hasSize(3);
        assertThat(keys.get(2)).isNotEqualTo(keys.get(1)).startsWith("Bearer ek_");
        assertThat(broker.issuedCount()).isEqualTo(2);

        say(400, 300); // the recovered session works
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.phase() == Phase.SPEAKING);
    }
}
