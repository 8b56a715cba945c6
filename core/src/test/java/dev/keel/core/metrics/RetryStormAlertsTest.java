package dev.keel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.policy.CircuitBreaker.State;
import dev.keel.core.policy.RetryDecision;
import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryStormAlertsTest {

    private final FakeClock clock = new FakeClock();
    private final RetryStormAlerts alerts = RetryStormAlerts.ofDefaults(clock);

    private void retries(int n) {
        for (int i = 0; i < n; i++) {
            alerts.retryDecided(
                    null, null, new RetryDecision.Retry(Duration.ZERO, dev.keel.core.error.ErrorKind.SERVER_ERROR));
        }
    }

    @Test
    void retryStorm_moreThanThreeTimesTheHourlyBaselineIn5Minutes_fires() {
        for (int minute = 0; minute < 60; minute++) {
            retries(2); // baseline: 10 per 5 minutes
            clock.advance(Duration.ofMinutes(1));
        }
        // last 5 min = 4 baseline minutes (8) + this minute; baseline = (120 - 8) / 12 = 9.33 per 5 min
        retries(20);
        assertThat(alerts.status().retryStorm()).as("28 is not above 3 x 9.33").isFalse();
        retries(1);
        var s = alerts.status();
        assertThat(s.retryStorm()).isTrue();
        assertThat(s.retriesLast5m()).isEqualTo(29);
        assertThat(s.baselinePer5m()).isCloseTo(9.33, org.assertj.core.api.Assertions.within(0.01));
    }

    @Test
    void retryStorm_fewRetriesOnAQuietService_doesNotFire() {
        retries(9);
        assertThat(alerts.status().retryStorm()).isFalse();
        retries(1);
        assertThat(alerts.status().retryStorm()).isTrue();
    }

    @Test
    void breakerOpenSustained_firesAfterTwoMinutesNotClosed_andClearsWhenClosed() {
        alerts.breakerStateChanged("POST /responses gpt-4.1-mini", State.CLOSED, State.OPEN);
        clock.advance(Duration.ofSeconds(60));
        alerts.breakerStateChanged("POST /responses gpt-4.1-mini", State.OPEN, State.HALF_OPEN);
        alerts.breakerStateChanged("POST /responses gpt-4.1-mini", State.HALF_OPEN, State.OPEN);
        assertThat(alerts.status().sustainedOpenBreakers()).isEmpty();
        clock.advance(Duration.ofSeconds(61));
        assertThat(alerts.status().sustainedOpenBreakers()).containsExactly("POST /responses gpt-4.1-mini");
        alerts.breakerStateChanged("POST /responses gpt-4.1-mini", State.HALF_OPEN, State.CLOSED);
        assertThat(alerts.status().sustainedOpenBreakers()).isEmpty();
    }
}
