package dev.keel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Per-key buckets on a fake clock: requests and tokens per minute, refill, give-back. */
class RateLimitsTest {

    private final FakeClock clock = new FakeClock();
    private final RateLimits limits = RateLimits.local(clock);

    private static GatewayKey key(int rpm, long tpm) {
        return new GatewayKey("k", "00".repeat(32), "t", "u", new KeyLimits(rpm, tpm, 0, null, null, false), false);
    }

    @Test
    void requests_overThePerMinuteLimit_areRefusedWithRetryAfter_untilTheBucketRefills() {
        GatewayKey k = key(2, 0);
        assertThat(limits.takeRequest(k)).isNull();
        assertThat(limits.takeRequest(k)).isNull();
        Refusal refused = limits.takeRequest(k);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("keel_rate_limited");
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        assertThat(limits.takeRequest(k)).isNull();
    }

    @Test
    void tokens_takenForTheWorstCase_andTheUnusedPartGivenBack() {
        GatewayKey k = key(0, 1000);
        assertThat(limits.takeTokens(k, 900)).isNull();
        assertThat(limits.takeTokens(k, 200)).isNotNull();
        limits.giveBack(k, 800); // the call used 100 of its 900
        assertThat(limits.takeTokens(k, 200)).isNull();
        assertThat(limits.takeTokens(k, 1001).code()).isEqualTo("keel_tokens_exceed_limit");
    }

    @Test
    void noLimit_takesNothing() {
        GatewayKey k = key(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(limits.takeRequest(k)).isNull();
            assertThat(limits.takeTokens(k, 1_000_000)).isNull();
        }
    }
}
