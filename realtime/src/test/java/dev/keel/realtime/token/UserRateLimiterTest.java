package dev.keel.realtime.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.wire.testing.FakeClock;
import org.junit.jupiter.api.Test;

class UserRateLimiterTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void setPerMinute_raised_letsAUserAtTheOldLimitGoOnAtTheNewRate() {
        var limiter = new UserRateLimiter(2, clock);
        assertThat(limiter.tryAcquire("alice")).isInstanceOf(UserRateLimiter.Verdict.Allowed.class);
        assertThat(limiter.tryAcquire("alice")).isInstanceOf(UserRateLimiter.Verdict.Allowed.class);
        assertThat(limiter.tryAcquire("alice")).isInstanceOf(UserRateLimiter.Verdict.Refused.class);
        limiter.setPerMinute(5);
        assertThat(limiter.perMinute()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("alice")).isInstanceOf(UserRateLimiter.Verdict.Allowed.class);
        }
        assertThat(limiter.tryAcquire("alice")).isInstanceOf(UserRateLimiter.Verdict.Refused.class);
    }

    @Test
    void setPerMinute_belowOne_isRefused() {
        assertThatThrownBy(() -> new UserRateLimiter(2, clock).setPerMinute(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 a minute");
    }
}
