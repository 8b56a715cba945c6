package dev.keel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.policy.RetryDecision.GiveUp;
import dev.keel.core.policy.RetryDecision.GiveUpReason;
import dev.keel.core.policy.RetryDecision.Retry;
import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final FakeClock clock = new FakeClock();
    private final RetryPolicy online = new RetryPolicy(RetryPolicyConfig.online());

    private RetryDecision decide(int attempts, ErrorKind kind, Duration retryAfter, Deadline deadline) {
        return online.decide(failure(attempts, kind, null, retryAfter, true), deadline, new SplittableRandom(1));
    }

    private static FailedAttempt failure(
            int attempts, ErrorKind kind, Boolean shouldRetry, Duration retryAfter, boolean replayable) {
        var error = KeelException.of(kind, kind.label())
                .attempts(attempts)
                .shouldRetry(shouldRetry)
                .retryAfter(retryAfter)
                .build();
        return new FailedAttempt(error, replayable);
    }

    @Test
    void retryableFailureWithTimeLeft_retriesAfterTheBackoff() {
        var d = decide(1, ErrorKind.SERVER_ERROR, null, Deadline.after(Duration.ofSeconds(30), clock));
        assertThat(d).isInstanceOf(Retry.class);
        assertThat(((Retry) d).delay()).isLessThan(Duration.ofMillis(200));
        assertThat(((Retry) d).reason()).isEqualTo(ErrorKind.SERVER_ERROR);
    }

    @Test
    void backoffThatWouldPassTheDeadline_givesUpWithReasonDeadline() {
        var deadline = Deadline.after(Duration.ofSeconds(30), clock);
        clock.advance(Duration.ofMillis(29_500)); // 500 ms left: any wait plus a 1 s attempt cannot fit
        var d = decide(1, ErrorKind.TIMEOUT, null, deadline);
        assertThat(d).isInstanceOf(GiveUp.class);
        assertThat(((GiveUp) d).reason()).isEqualTo(GiveUpReason.DEADLINE);
        assertThat(((GiveUp) d).detail()).contains("500 ms left");
    }

    @Test
    void retryAfterThatFits_winsOverTheBackoff_otherwiseGivesUpAtOnce() {
        var deadline = Deadline.after(Duration.ofSeconds(10), clock);
        assertThat(decide(1, ErrorKind.RATE_LIMITED, Duration.ofSeconds(3), deadline))
                .isEqualTo(new Retry(Duration.ofSeconds(3), ErrorKind.RATE_LIMITED));
        var tooLong = decide(1, ErrorKind.RATE_LIMITED, Duration.ofSeconds(20), deadline);
        assertThat(((GiveUp) tooLong).reason()).isEqualTo(GiveUpReason.RETRY_AFTER_TOO_LONG);
    }

    @Test
    void nonRetryableKindsReplayAndAttemptLimit_giveUp() {
        var deadline = Deadline.after(Duration.ofSeconds(30), clock);
        assertThat(((GiveUp) decide(1, ErrorKind.INVALID_REQUEST, null, deadline)).reason())
                .isEqualTo(GiveUpReason.NOT_RETRYABLE);
        assertThat(((GiveUp) decide(1, ErrorKind.QUOTA_EXHAUSTED, null, deadline)).reason())
                .isEqualTo(GiveUpReason.NOT_RETRYABLE);
        assertThat(((GiveUp) decide(3, ErrorKind.SERVER_ERROR, null, deadline)).reason())
                .isEqualTo(GiveUpReason.ATTEMPTS_EXHAUSTED);
        var notReplayable =
                online.decide(failure(1, ErrorKind.NETWORK, null, null, false), deadline, new SplittableRandom(1));
        assertThat(((GiveUp) notReplayable).reason()).isEqualTo(GiveUpReason.NOT_REPLAYABLE);
    }

    @Test
    void xShouldRetry_overridesTheKindBothWays() {
        var deadline = Deadline.after(Duration.ofSeconds(30), clock);
        var random = new SplittableRandom(1);
        var no = online.decide(failure(1, ErrorKind.SERVER_ERROR, Boolean.FALSE, null, true), deadline, random);
        assertThat(((GiveUp) no).reason()).isEqualTo(GiveUpReason.NOT_RETRYABLE);
        assertThat(((GiveUp) no).detail()).contains("x-should-retry: false");
        var yes = online.decide(failure(1, ErrorKind.INVALID_REQUEST, Boolean.TRUE, null, true), deadline, random);
        assertThat(yes).isInstanceOf(Retry.class);
    }
}
