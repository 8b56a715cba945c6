package dev.keel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowCountsTest {

    @Test
    void window_countsEventsAndFailures_untilTheyAgeOut() {
        var clock = new FakeClock();
        var counts = new WindowCounts(Duration.ofMinutes(5), Duration.ofSeconds(10), clock);

        counts.record(false);
        counts.record(true);
        clock.advance(Duration.ofMinutes(2));
        counts.record(true);

        assertThat(counts.window()).isEqualTo(new WindowCounts.Counts(3, 2));
        assertThat(counts.window().failureRate()).isEqualTo(2.0 / 3);
        clock.advance(Duration.ofMinutes(4));
        assertThat(counts.window()).isEqualTo(new WindowCounts.Counts(1, 1));
        clock.advance(Duration.ofMinutes(2));
        assertThat(counts.window().failureRate()).isZero();
    }

    @Test
    void recent_countsOnlyTheLastBuckets() {
        var clock = new FakeClock();
        var counts = new WindowCounts(Duration.ofMinutes(75), Duration.ofMinutes(1), clock);

        counts.record(false);
        clock.advance(Duration.ofMinutes(10));
        counts.record(false);

        assertThat(counts.recent(5).total()).isEqualTo(1);
        assertThat(counts.recent(60).total()).isEqualTo(2);
    }
}
