package dev.keel.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.emulator.RateLimits;
import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void goDuration_formatsLikeGo() {
        assertThat(RateLimiter.goDuration(12)).isEqualTo("12ms");
        assertThat(RateLimiter.goDuration(1000)).isEqualTo("1s");
        assertThat(RateLimiter.goDuration(6596)).isEqualTo("6.596s");
        assertThat(RateLimiter.goDuration(360_000)).isEqualTo("6m0s");
    }

    @Test
    void admit_countsRequestsAndTokensPerMinuteWindow() {
        var clock = new FakeClock();
        var limiter = new RateLimiter(RateLimits.enforced(10, 100), clock);
        assertThat(limiter.admit(60).remainingTokens()).isEqualTo(40);
        var refused = limiter.admit(60);
        assertThat(refused.refusedFor()).isEqualTo(Duration.ofMinutes(1));
        clock.advance(Duration.ofSeconds(15));
        assertThat(limiter.admit(40).refusedFor())
                .as("the window still holds the first 60 tokens")
                .isNull();
        var last = limiter.admit(0);
        assertThat(last.remainingTokens()).isZero();
        assertThat(last.resetTokens()).isEqualTo("45s");
        clock.advance(Duration.ofSeconds(45));
        assertThat(limiter.admit(90).remainingTokens()).isEqualTo(10);
    }

    @Test
    void admit_notEnforced_reportsButNeverRefuses() {
        var limiter = new RateLimiter(new RateLimits(1, 1, false), new FakeClock());
        limiter.admit(5);
        var second = limiter.admit(5);
        assertThat(second.refusedFor()).isNull();
        assertThat(second.remainingRequests()).isZero();
    }
}
