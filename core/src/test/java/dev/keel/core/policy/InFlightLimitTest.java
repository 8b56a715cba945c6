package dev.keel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.error.InFlightLimitException;
import dev.keel.wire.testing.FakeClock;
import dev.keel.wire.time.Ticker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void acquire_underTheLimit_countsPermitsInUse() {
        var limit = new InFlightLimit(2);
        var d = Deadline.after(Duration.ofSeconds(1), clock);
        try (var a = limit.acquire(d)) {
            assertThat(limit.inUse()).isEqualTo(1);
            try (var b = limit.acquire(d)) {
                assertThat(limit.inUse()).isEqualTo(2);
            }
        }
        assertThat(limit.inUse()).isZero();
    }

    @Test
    void acquire_fullWithNoTimeLeft_failsAtOnceNamingTheLimit() {
        var limit = new InFlightLimit(1);
        try (var held = limit.acquire(Deadline.after(Duration.ofSeconds(1), clock))) {
            var spent = Deadline.after(Duration.ZERO, clock);
            assertThatThrownBy(() -> limit.acquire(spent))
                    .isInstanceOf(InFlightLimitException.class)
                    .hasMessageContaining("in-flight limit of 1 calls reached");
        }
    }

    @Test
    void acquire_fullWithTimeLeft_waitsAtMostTheTimeLeft() {
        var limit = new InFlightLimit(1);
        try (var held = limit.acquire(Deadline.after(Duration.ofSeconds(1), Ticker.SYSTEM))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> limit.acquire(Deadline.after(Duration.ofMillis(50), Ticker.SYSTEM)))
                    .isInstanceOf(InFlightLimitException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        }
    }

    @Test
    void permit_closedTwice_returnsOnePermit() {
        var limit = new InFlightLimit(1);
        var permit = limit.acquire(Deadline.after(Duration.ofSeconds(1), clock));
        permit.close();
        permit.close();
        assertThat(limit.inUse()).isZero();
        assertThat(limit.limit()).isEqualTo(1);
    }

    @Test
    void setLimit_lowerThenRaise_appliesToNewCallsWithoutTouchingHeldPermits() {
        var limit = new InFlightLimit(4);
        var d = Deadline.after(Duration.ofSeconds(1), clock);
        var a = limit.acquire(d);
        var b = limit.acquire(d);
        limit.setLimit(2);
        assertThat(limit.inUse()).isEqualTo(2);
        assertThatThrownBy(() -> limit.acquire(Deadline.after(Duration.ZERO, clock)))
                .isInstanceOf(InFlightLimitException.class);
        a.close();
        b.close();
        limit.setLimit(4);
        assertThat(limit.inUse()).isZero();
        assertThat(limit.limit()).isEqualTo(4).isEqualTo(limit.configured());
    }

    @Test
    void reconfigure_changesTheConfiguredLimitAndTheCurrentOne() {
        var limit = new InFlightLimit(4);
        limit.reconfigure(8, 4);
        assertThat(limit.configured()).isEqualTo(8);
        assertThat(limit.limit()).isEqualTo(4);
        var d = Deadline.after(Duration.ofSeconds(1), clock);
        for (int i = 0; i < 4; i++) {
            limit.acquire(d);
        }
        assertThatThrownBy(() -> limit.acquire(Deadline.after(Duration.ZERO, clock)))
                .isInstanceOf(InFlightLimitException.class);
        assertThatThrownBy(() -> limit.reconfigure(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
