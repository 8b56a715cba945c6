package dev.keel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void attemptTimeout_after24sOf30s_isAtMost6s() {
        Deadline d = Deadline.after(Duration.ofSeconds(30), clock);
        assertThat(d.attemptTimeout(Duration.ofSeconds(25))).isEqualTo(Duration.ofSeconds(25));
        clock.advance(Duration.ofSeconds(24));
        assertThat(d.attemptTimeout(Duration.ofSeconds(25))).isEqualTo(Duration.ofSeconds(6));
        assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void remaining_afterTheDeadline_isZeroAndExpired() {
        Deadline d = Deadline.after(Duration.ofSeconds(1), clock);
        assertThat(d.isExpired()).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(d.remaining()).isZero();
        assertThat(d.isExpired()).isTrue();
        assertThat(d.attemptTimeout(Duration.ofSeconds(25))).isZero();
    }

    @Test
    void minimum_onlyEverShrinks() {
        Deadline d = Deadline.after(Duration.ofSeconds(30), clock);
        assertThat(d.minimum(Duration.ofSeconds(60)).remaining()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.minimum(Duration.ofSeconds(5)).remaining()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void fits_workLongerThanTheTimeLeft_doesNot() {
        Deadline d = Deadline.after(Duration.ofSeconds(3), clock);
        assertThat(d.fits(Duration.ofSeconds(3))).isTrue();
        assertThat(d.fits(Duration.ofMillis(3001))).isFalse();
    }

    @Test
    void after_negativeBudget_isRefused_hugeBudgetSaturates() {
        assertThatThrownBy(() -> Deadline.after(Duration.ofSeconds(-1), clock))
                .hasMessageContaining("must not be negative");
        assertThat(Deadline.after(Duration.ofSeconds(Long.MAX_VALUE), clock).isExpired())
                .isFalse();
    }
}
