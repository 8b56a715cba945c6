package dev.keel.realtime.latency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.realtime.latency.TurnMarks.Mark;
import dev.keel.wire.testing.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TurnLatencyTest {

    private static TurnMarks marks(long capture, long uplink, long inference, long downlink, long playback) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        var m = new TurnMarks(1);
        m.mark(Mark.SPEECH_END_CAPTURED, t);
        m.mark(Mark.SPEECH_END_HANDED, t = t.plusMillis(capture));
        m.mark(Mark.DECIDING_CHUNK_SENT, t);
        m.mark(Mark.SPEECH_STOPPED, t = t.plusMillis(uplink));
        m.mark(Mark.FIRST_AUDIO, t = t.plusMillis(inference));
        m.mark(Mark.FIRST_AUDIO_DELIVERED, t = t.plusMillis(downlink));
        m.mark(Mark.PLAYBACK_STARTED, t.plusMillis(playback));
        return m;
    }

    @Test
    void latency_computesEachSegmentAndEndToEnd() {
        var t = marks(100, 80, 500, 40, 200).latency();
        assertThat(t.segments())
                .containsEntry(Segment.CAPTURE, Duration.ofMillis(100))
                .containsEntry(Segment.UPLINK, Duration.ofMillis(80))
                .containsEntry(Segment.INFERENCE, Duration.ofMillis(500))
                .containsEntry(Segment.DOWNLINK, Duration.ofMillis(40))
                .containsEntry(Segment.PLAYBACK, Duration.ofMillis(200))
                .containsEntry(Segment.E2E, Duration.ofMillis(920));
        assertThat(t.verdict(LatencyBudget.ofDefaults())).isEqualTo(new TurnVerdict.WithinBudget());
    }

    @Test
    void verdict_namesTheSegmentThatOverran() {
        var v = marks(100, 80, 900, 40, 200).latency().verdict(LatencyBudget.ofDefaults());
        assertThat(v).isEqualTo(new TurnVerdict.Overran(java.util.List.of(Segment.INFERENCE)));
        var both = marks(100, 80, 900, 40, 400).latency().verdict(LatencyBudget.ofDefaults());
        assertThat(both.describe()).isEqualTo("OVER: inference, playback, e2e");
    }

    @Test
    void budget_isConfigurable() {
        var tight = LatencyBudget.ofDefaults().with(Segment.CAPTURE, Duration.ofMillis(50));
        assertThat(marks(100, 80, 500, 40, 200).latency().verdict(tight).describe())
                .isEqualTo("OVER: capture");
        assertThat(LatencyBudget.ofDefaults().of(Segment.E2E)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void metrics_recordHistogramsInMillisAndTheFirstAudioP95() {
        var registry = new SimpleMeterRegistry();
        var metrics = new RealtimeMetrics(registry, new FakeClock());
        for (int i = 0; i < 19; i++) {
            metrics.record(marks(100, 80, 500, 40, 200).latency());
        }
        metrics.record(marks(100, 80, 2000, 40, 200).latency());
        assertThat(registry.get("realtime_inference_ms").summary().count()).isEqualTo(20);
        assertThat(registry.get("realtime_e2e_ms").summary().max()).isEqualTo(2420.0);
        assertThat(registry.get("realtime_first_audio_p95").gauge().value()).isEqualTo(920.0);
        metrics.record(marks(100, 80, 2000, 40, 200).latency());
        assertThat(metrics.firstAudioP95Millis()).isEqualTo(2420.0);
    }
}
