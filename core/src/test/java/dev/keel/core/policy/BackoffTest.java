package dev.keel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration BASE = Duration.ofMillis(200);
    private static final Duration CAP = Duration.ofSeconds(2);

    @Test
    void fullJitter_anyRetryUpTo20_staysWithinZeroAndTheBound() {
        var backoff = Backoff.exponentialFullJitter(BASE, CAP);
        for (long seed = 0; seed < 200; seed++) {
            var random = new SplittableRandom(seed);
            for (int n = 0; n <= 20; n++) {
                long bound = Math.min(CAP.toNanos(), BASE.toNanos() << Math.min(n, 20));
                Duration d = backoff.delay(n, random);
                assertThat(d.isNegative()).isFalse();
                assertThat(d.toNanos()).isLessThan(bound);
            }
        }
    }

    @Test
    void ceiling_hugeRetryNumbers_saturateAtTheCapWithoutOverflow() {
        assertThat(Backoff.ceiling(BASE, CAP, 0)).isEqualTo(BASE.toNanos());
        assertThat(Backoff.ceiling(BASE, CAP, 3)).isEqualTo(1_600_000_000L);
        assertThat(Backoff.ceiling(BASE, CAP, 4)).isEqualTo(CAP.toNanos());
        assertThat(Backoff.ceiling(BASE, CAP, 63)).isEqualTo(CAP.toNanos());
        assertThat(Backoff.ceiling(BASE, CAP, Integer.MAX_VALUE)).isEqualTo(CAP.toNanos());
    }

    @Test
    void plusJitter_isTheCeilingPlusLessThanTheJitter() {
        var backoff = Backoff.exponentialPlusJitter(BASE, CAP, Duration.ofMillis(120));
        var random = new SplittableRandom(7);
        for (int n = 0; n <= 20; n++) {
            long floor = Backoff.ceiling(BASE, CAP, n);
            assertThat(backoff.delay(n, random).toNanos()).isBetween(floor, floor + 120_000_000L - 1);
        }
    }

    @Test
    void sameSeed_sameDelays() {
        var backoff = Backoff.exponentialFullJitter(BASE, CAP);
        assertThat(backoff.delay(2, new SplittableRandom(5))).isEqualTo(backoff.delay(2, new SplittableRandom(5)));
    }

    @Test
    void badBounds_areRefused() {
        assertThatThrownBy(() -> Backoff.exponentialFullJitter(Duration.ZERO, CAP))
                .hasMessageContaining("0 < base <= cap");
        assertThatThrownBy(() -> Backoff.exponentialFullJitter(CAP, BASE)).hasMessageContaining("0 < base <= cap");
    }
}
