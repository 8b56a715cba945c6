package dev.keel.core.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryHintsTest {

    @Test
    void retryAfter_secondsFractionsAndHttpDates() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(RetryHints.parseRetryAfter("2", now)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryHints.parseRetryAfter("1.5", now)).isEqualTo(Duration.ofMillis(1500));
        assertThat(RetryHints.parseRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryHints.parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now))
                .isZero();
        assertThat(RetryHints.parseRetryAfter("soon", now)).isNull();
        assertThat(RetryHints.parseRetryAfter(null, now)).isNull();
    }

    @Test
    void retryAfterMs_parsesMillisecondsAndIgnoresJunk() {
        assertThat(RetryHints.parseMillis("1500")).isEqualTo(Duration.ofMillis(1500));
        assertThat(RetryHints.parseMillis("-3")).isZero();
        assertThat(RetryHints.parseMillis("x")).isNull();
    }

    @Test
    void retryAfter_withAnHttpDate_isMeasuredFromTheInjectedClock() {
        var clock = new dev.keel.wire.testing.FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        var answer = dev.keel.core.http.HttpResult.served(
                dev.keel.core.http.ResultSource.UPSTREAM,
                429,
                java.util.Map.of("retry-after", java.util.List.of("Thu, 01 Jan 2026 00:00:07 GMT")),
                new byte[0]);

        assertThat(RetryHints.retryAfter(answer, clock)).isEqualTo(Duration.ofSeconds(7));
        clock.advance(Duration.ofSeconds(5));
        assertThat(RetryHints.retryAfter(answer, clock)).isEqualTo(Duration.ofSeconds(2));
    }
}
