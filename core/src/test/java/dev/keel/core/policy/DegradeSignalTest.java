package dev.keel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.policy.DegradeSignal.State;
import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DegradeSignalTest {

    private final FakeClock clock = new FakeClock();
    private final DegradeSignal signal = new DegradeSignal(DegradeConfig.ofDefaults(), clock);

    private void record(int calls, int failures) {
        for (int i = 0; i < calls; i++) {
            signal.record(i < failures);
        }
    }

    @Test
    void state_100CallsAllFailing_staysNormal_moreThan100IsNeeded() {
        record(100, 100);
        assertThat(signal.state()).isEqualTo(State.NORMAL);
        signal.record(true);
        assertThat(signal.state()).isEqualTo(State.DEGRADED);
    }

    @Test
    void state_errorRateAt20Percent_staysNormal_above20Degrades() {
        record(200, 40);
        assertThat(signal.state()).isEqualTo(State.NORMAL);
        signal.record(true);
        assertThat(signal.state()).isEqualTo(State.DEGRADED);
    }

    @Test
    void state_burstOlderThanAMinute_agesOut() {
        record(150, 150);
        assertThat(signal.state()).isEqualTo(State.DEGRADED);
        clock.advance(Duration.ofSeconds(61));
        assertThat(signal.state()).isEqualTo(State.NORMAL);
        assertThat(signal.window()).containsExactly(0, 0);
    }

    @Test
    void onChange_hearsEachTransitionOnce() {
        List<State> seen = new ArrayList<>();
        signal.onChange(seen::add);
        record(150, 150);
        record(10, 10);
        clock.advance(Duration.ofMinutes(2));
        record(1, 0);
        assertThat(seen).containsExactly(State.DEGRADED, State.NORMAL);
    }
}
