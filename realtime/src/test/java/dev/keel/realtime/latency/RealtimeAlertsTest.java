package dev.keel.realtime.latency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.testing.FakeClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RealtimeAlertsTest {

    private final FakeClock clock = new FakeClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RealtimeMetrics metrics = new RealtimeMetrics(registry, clock);
    private final RealtimeAlerts alerts = RealtimeAlerts.ofDefaults(metrics, clock);

    @Test
    void quietSession_firesNothing() {
        assertThat(alerts.status().firing()).isEmpty();
    }

    @Test
    void firstAudioP95Over1500ms_fires() {
        Instant t = clock.instant();
        metrics.record(new TurnLatency(1, Map.of(Segment.E2E, Duration.ofMillis(1400))));
        assertThat(alerts.status().firstAudioSlow()).isFalse();
        metrics.record(new TurnLatency(2, Map.of(Segment.E2E, Duration.ofMillis(1600))));
        assertThat(alerts.status().firing()).containsExactly("RealtimeFirstAudioSlow");
        assertThat(t).isNotNull();
    }

    @Test
    void rotationFailure_firesFor15Minutes() {
        Counter.builder("session_rotate_fail").register(registry).increment();
        assertThat(alerts.status().rotateFailing()).isTrue();
        clock.advance(Duration.ofMinutes(16));
        assertThat(alerts.status().rotateFailing()).isFalse();
    }

    @Test
    void interruptFailRateOver5Percent_fires() {
        for (int i = 0; i < 19; i++) {
            metrics.interrupt(false);
        }
        metrics.interrupt(true);
        assertThat(alerts.status().interruptRecoveryFailing()).isFalse(); // exactly 5 %
        metrics.interrupt(true);
        assertThat(alerts.status().interruptRecoveryFailing()).isTrue();
        assertThat(registry.get("interrupt_recovery_fail_rate").gauge().value()).isGreaterThan(0.05);
    }

    @Test
    void iceRestartSpike_comparedWithTheHourBefore_fires() {
        metrics.transportReconnect();
        clock.advance(Duration.ofMinutes(30));
        metrics.transportReconnect();
        clock.advance(Duration.ofMinutes(30));
        for (int i = 0; i < 3; i++) {
            metrics.transportReconnect();
        }
        assertThat(alerts.status().iceRestartSpike()).isTrue();
        assertThat(alerts.status().iceRestartsLast15m()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(16));
        assertThat(alerts.status().iceRestartSpike()).isFalse();
    }
}
