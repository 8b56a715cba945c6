package dev.keel.realtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.testing.FakeClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole span tree of a session with a barge-in, on a fake clock and the in-memory peer: the
 * caller's span, one {@code realtime.turn} span per turn under it, and under each turn the five
 * latency segments at the instants the controller marked.
 */
class TurnTracingTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final FakeClock clock = new FakeClock(T0);
    private final ScriptedServer server = new ScriptedServer();
    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exported))
                    .build())
            .build();
    private final List<Runnable> recoveries = new ArrayList<>();

    @AfterEach
    void tearDown() {
        otel.close();
    }

    private SessionController controller(boolean traced) {
        var b = SessionController.builder(server, new SessionControllerTest.Credentials())
                .config(SessionConfig.ofDefaults().withPlaybackReported(true))
                // the player takes 30 ms to take the first audio: the downlink segment
                .audioSink((item, pcm) -> clock.advance(Duration.ofMillis(30)))
                .clock(clock)
                .ticker(clock)
                .sleeper(clock::advance)
                .random(new SplittableRandom(7))
                .scheduler(new FakeScheduler(clock))
                .recoveryExecutor(recoveries::add);
        return (traced ? b.openTelemetry(otel) : b).build();
    }

    private void advance(long ms) {
        clock.advance(Duration.ofMillis(ms));
    }

    private static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    @Test
    void bargeIn_isTwoTurnSpansUnderTheCallersSpan_eachWithItsFiveSegments_theFirstEndingInterrupted() {
        Span handler = otel.getTracer("test").spanBuilder("voice-handler").startSpan();
        var c = controller(true);
        try (Scope ignored = handler.makeCurrent()) {
            c.start();
        }

        // turn 1: 400 ms of speech captured at 0 and handed at 40, then 200 ms of silence sent at 60
        Instant speech = clock.instant();
        advance(40);
        c.appendAudio(new byte[400 * 48], speech);
        advance(20);
        c.appendAudio(new byte[200 * 48], clock.instant());
        advance(60);
        server.push("{\"type\":\"input_audio_buffer.speech_stopped\",\"audio_end_ms\":600}"); // at 120
        advance(800);
        server.push("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}");
        server.push("{\"type\":\"response.output_item.added\",\"item\":{\"id\":\"item_1\"}}");
        server.audio("resp_1", "item_1", 1000); // first audio at 920, handed to the player at 950
        advance(100);
        c.reportPlaybackStarted("item_1", clock.instant()); // audible at 1050
        advance(300);
        c.reportPlayback("item_1", 300);
        // barge-in at 1350: the user speaks over the answer
        server.push("{\"type\":\"input_audio_buffer.speech_started\",\"audio_start_ms\":650}");
        assertThat(c.phase()).isEqualTo(Phase.CANCELLING);
        advance(50);
        server.done("resp_1", "cancelled"); // confirmed at 1400

        // turn 2: the words spoken over the answer, captured from 1400
        Instant captured = clock.instant();
        advance(10);
        c.appendAudio(new byte[300 * 48], captured); // handed at 1410
        advance(20);
        c.appendAudio(new byte[200 * 48], clock.instant()); // the deciding silence, sent at 1430
        advance(70);
        server.push("{\"type\":\"input_audio_buffer.speech_stopped\",\"audio_end_ms\":1100}"); // at 1500
        advance(500);
        server.push("{\"type\":\"response.created\",\"response\":{\"id\":\"resp_2\"}}");
        server.push("{\"type\":\"response.output_item.added\",\"item\":{\"id\":\"item_2\"}}");
        server.audio("resp_2", "item_2", 400); // first audio at 2000, handed at 2030
        advance(50);
        c.reportPlaybackStarted("item_2", clock.instant()); // audible at 2080
        advance(1000);
        server.done("resp_2", "completed"); // at 3080
        c.close();
        handler.end();

        List<SpanData> all = exported.getFinishedSpanItems();
        assertThat(all).as("the handler, two turns, five segments each").hasSize(13);
        SpanData root = named(all, "voice-handler").get(0);
        List<SpanData> turns = childrenOf(all, root);
        assertThat(turns).extracting(SpanData::getName).containsExactly("realtime.turn", "realtime.turn");
        assertThat(turns).allSatisfy(t -> {
            assertThat(t.getTraceId()).isEqualTo(root.getTraceId());
            assertThat(t.getKind()).isEqualTo(SpanKind.INTERNAL);
            assertThat(t.getAttributes().get(AttributeKey.stringKey("keel.realtime.session_id")))
                    .isEqualTo("sess_1");
        });

        SpanData first = turns.get(0);
        assertThat(first.getAttributes().get(TurnTracing.TURN)).isEqualTo(1);
        assertTimes(first, 0, 1400);
        assertThat(first.getAttributes().get(TurnTracing.END)).isEqualTo("interrupted");
        assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(first.getAttributes().get(TurnTracing.OVER_BUDGET)).containsExactly("inference");
        assertThat(ms(first, "keel.realtime.e2e_ms")).isEqualTo(1050.0);
        assertThat(ms(first, "keel.realtime.inference_ms")).isEqualTo(800.0);
        assertThat(first.getEvents()).hasSize(1);
        EventData bargeIn = first.getEvents().get(0);
        assertThat(bargeIn.getName()).isEqualTo("keel.realtime.interrupt");
        assertThat(bargeIn.getEpochNanos()).isEqualTo(nanos(at(1350)));
        assertThat(bargeIn.getAttributes().get(TurnTracing.CAUSE)).isEqualTo("speech_started");
        assertThat(bargeIn.getAttributes().get(TurnTracing.TRUNCATED)).isTrue();
        assertThat(bargeIn.getAttributes().get(TurnTracing.AUDIO_END_MS)).isEqualTo(300);
        assertThat(bargeIn.getAttributes().get(TurnTracing.RESPONSE_ID)).isEqualTo("resp_1");
        assertSegments(childrenOf(all, first), new long[][] {{0, 40}, {60, 120}, {120, 920}, {920, 950}, {950, 1050}});
        assertThat(childrenOf(all, first).get(2).getAttributes().get(TurnTracing.SEGMENT_OVER))
                .as("inference 800 ms against its 700 ms budget")
                .isTrue();

        SpanData second = turns.get(1);
        assertThat(second.getAttributes().get(TurnTracing.TURN)).isEqualTo(2);
        assertTimes(second, 1400, 3080);
        assertThat(second.getAttributes().get(TurnTracing.END)).isEqualTo("completed");
        assertThat(second.getAttributes().get(TurnTracing.OVER_BUDGET)).isEmpty();
        assertThat(second.getEvents()).isEmpty();
        assertThat(ms(second, "keel.realtime.e2e_ms")).isEqualTo(680.0);
        assertSegments(
                childrenOf(all, second),
                new long[][] {{1400, 1410}, {1430, 1500}, {1500, 2000}, {2000, 2030}, {2030, 2080}});
        assertThat(childrenOf(all, second))
                .allSatisfy(s -> assertThat(s.getAttributes().get(TurnTracing.SEGMENT_OVER))
                        .isFalse());
        assertThat(all)
                .flatExtracting(s -> s.getAttributes().asMap().keySet())
                .as("no audio, transcript or credential is recorded")
                .noneMatch(k -> k.getKey().contains("audio.")
                        || k.getKey().contains("transcript")
                        || k.getKey().contains("token")
                        || k.getKey().contains("bearer"));
    }

    @Test
    void aTurnCutByADroppedConnection_endsWithErrorStatus_andTheSessionsCloseEndsNothingTwice() {
        var c = controller(true);
        c.start();
        c.appendAudio(new byte[400 * 48], clock.instant());
        server.push("{\"type\":\"input_audio_buffer.speech_stopped\",\"audio_end_ms\":400}");
        advance(200);
        server.drop();
        c.close();

        List<SpanData> all = exported.getFinishedSpanItems();
        List<SpanData> turns = named(all, "realtime.turn");
        assertThat(turns).hasSize(1);
        SpanData turn = turns.get(0);
        assertThat(turn.getParentSpanContext().isValid())
                .as("no caller span: a root")
                .isFalse();
        assertThat(turn.getAttributes().get(TurnTracing.END)).isEqualTo("recovering");
        assertThat(turn.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(turn.getStatus().getDescription()).contains("network_switch");
        assertThat(turn.getEndEpochNanos()).isEqualTo(nanos(at(200)));
        assertThat(childrenOf(all, turn))
                .extracting(SpanData::getName)
                .as("only the segments whose two ends were seen")
                .containsExactly("realtime.capture", "realtime.uplink");
    }

    @Test
    void withoutOpenTelemetry_noSpanIsMade() {
        var c = controller(false);
        c.start();
        server.answer("resp_1", "item_1", 100);
        c.reportPlaybackStarted("item_1", clock.instant());
        server.done("resp_1", "completed");
        c.close();
        assertThat(c.turns()).hasSize(1);
        assertThat(exported.getFinishedSpanItems()).isEmpty();
    }

    private static void assertSegments(List<SpanData> segments, long[][] times) {
        assertThat(segments)
                .extracting(SpanData::getName)
                .containsExactly(
                        "realtime.capture",
                        "realtime.uplink",
                        "realtime.inference",
                        "realtime.downlink",
                        "realtime.playback");
        for (int i = 0; i < times.length; i++) {
            SpanData s = segments.get(i);
            assertTimes(s, times[i][0], times[i][1]);
            assertThat(s.getAttributes().get(TurnTracing.SEGMENT_MS))
                    .as(s.getName())
                    .isEqualTo((double) (times[i][1] - times[i][0]));
            assertThat(s.getAttributes().get(TurnTracing.BUDGET_MS)).isPositive();
        }
    }

    private static void assertTimes(SpanData s, long fromMs, long toMs) {
        assertThat(s.getStartEpochNanos()).as(s.getName() + " start").isEqualTo(nanos(at(fromMs)));
        assertThat(s.getEndEpochNanos()).as(s.getName() + " end").isEqualTo(nanos(at(toMs)));
    }

    private static double ms(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.doubleKey(key));
    }

    private static long nanos(Instant i) {
        return TimeUnit.SECONDS.toNanos(i.getEpochSecond()) + i.getNano();
    }

    private static List<SpanData> named(List<SpanData> all, String name) {
        return all.stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static List<SpanData> childrenOf(List<SpanData> all, SpanData parent) {
        return all.stream()
                .filter(s -> s.getParentSpanId().equals(parent.getSpanId())
                        && s.getTraceId().equals(parent.getTraceId()))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
    }
}
