package dev.keel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.policy.CircuitBreaker.Admission;
import dev.keel.core.policy.CircuitBreaker.State;
import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final FakeClock clock = new FakeClock();
    private final CircuitBreaker breaker = new CircuitBreaker(CircuitBreakerConfig.ofDefaults(), clock);

    /** {@code calls} calls now, {@code failures} of them failed, spread evenly as real failures are. */
    private void window(int calls, int failures) {
        for (int i = 0; i < calls; i++) {
            var a = breaker.tryAcquire();
            if (a instanceof Admission.Allowed allowed) {
                breaker.record(allowed, (long) i * failures / calls != (long) (i + 1) * failures / calls);
            }
        }
    }

    @Test
    void oneBadWindow_60CallsAt30Percent_staysClosed() {
        window(60, 18);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void twoConsecutiveBadWindows_open() {
        window(60, 18);
        clock.advance(Duration.ofSeconds(30));
        window(60, 18);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void badWindowsWithAGoodOneBetween_stayClosed() {
        window(60, 18);
        clock.advance(Duration.ofSeconds(30));
        window(60, 0);
        clock.advance(Duration.ofSeconds(30));
        window(60, 18);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void secondWindowQualifyingOnlyThroughASuccess_doesNotOpen_untilTheNextFailure() {
        window(60, 18);
        clock.advance(Duration.ofSeconds(30));
        window(49, 13); // 13 failures of 49 calls: below minCalls
        var success = (Admission.Allowed) breaker.tryAcquire();
        breaker.record(success, false); // 50 calls, 26 % failed — but a success never trips it
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        breaker.record((Admission.Allowed) breaker.tryAcquire(), true);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void fortyCallsAllFailing_inTwoWindows_staysClosed_tooFewCalls() {
        window(40, 40);
        clock.advance(Duration.ofSeconds(30));
        window(40, 40);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void afterTheOpenPeriod_aSuccessfulProbeCloses() {
        openIt();
        clock.advance(Duration.ofSeconds(19));
        assertThat(breaker.tryAcquire()).isInstanceOf(Admission.Refused.class);
        clock.advance(Duration.ofSeconds(1));
        var probe = (Admission.Allowed) breaker.tryAcquire();
        assertThat(probe.probe()).isTrue();
        assertThat(breaker.tryAcquire()).as("only one probe at a time").isInstanceOf(Admission.Refused.class);
        breaker.record(probe, false);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void afterTheOpenPeriod_aFailedProbeReopensForAnotherPeriod() {
        openIt();
        clock.advance(Duration.ofSeconds(20));
        breaker.record((Admission.Allowed) breaker.tryAcquire(), true);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(19));
        assertThat(breaker.tryAcquire()).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void transitions_areHeardInOrder_andOnlyTableEdgesExist() {
        List<String> moves = new ArrayList<>();
        breaker.onTransition((from, to) -> moves.add(from + "->" + to));
        openIt();
        clock.advance(Duration.ofSeconds(20));
        breaker.record((Admission.Allowed) breaker.tryAcquire(), false);
        assertThat(moves).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        assertThat(CircuitBreaker.EDGES.get(State.CLOSED)).isEqualTo(EnumSet.of(State.OPEN));
        assertThat(CircuitBreaker.EDGES.get(State.OPEN)).isEqualTo(EnumSet.of(State.HALF_OPEN));
        assertThat(CircuitBreaker.EDGES.get(State.HALF_OPEN)).isEqualTo(EnumSet.of(State.CLOSED, State.OPEN));
    }

    private void openIt() {
        window(50, 50);
        clock.advance(Duration.ofSeconds(30));
        window(50, 50);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }
}
