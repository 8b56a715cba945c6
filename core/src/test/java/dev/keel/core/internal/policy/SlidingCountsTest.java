package dev.keel.core.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SlidingCountsTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void totals_countTheWindowOnly_andOldBucketsAreReplacedWhenTheirSlotComesRound() {
        var counts = new SlidingCounts(Duration.ofSeconds(3), Duration.ofSeconds(1));
        counts.add(0, true);
        counts.add(SECOND, false);
        counts.add(2 * SECOND, true);
        assertThat(counts.totals(2 * SECOND)).containsExactly(3, 2);
        assertThat(counts.totals(2 * SECOND, 2)).containsExactly(2, 1);
        counts.add(3 * SECOND, false); // reuses second 0's slot
        assertThat(counts.totals(3 * SECOND)).containsExactly(3, 1);
        assertThat(counts.total(10 * SECOND, 3)).isZero();
    }

    @Test
    void add_anEventOlderThanTheBucketNowInItsSlot_isIgnored_notResettingNewerCounts() {
        var counts = new SlidingCounts(Duration.ofSeconds(3), Duration.ofSeconds(1));
        counts.add(3 * SECOND, true);
        counts.add(0, false); // same slot, three seconds older: outside any window that includes second 3
        assertThat(counts.totals(3 * SECOND)).containsExactly(1, 1);
    }

    @Test
    void add_fromManyThreadsAcrossBucketChanges_losesNoEventOfTheWindow() throws Exception {
        var counts = new SlidingCounts(Duration.ofSeconds(10), Duration.ofSeconds(1));
        int threads = 8;
        int perThread = 20_000;
        var start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        counts.add((long) (i % 5) * SECOND, i % 2 == 0); // five seconds, buckets installed racily
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(counts.totals(4 * SECOND))
                .containsExactly((long) threads * perThread, (long) threads * perThread / 2);
    }

    /**
     * The cached whole-window sums agree with the full sum whatever the order of adds and reads: time
     * moving forward by parts of buckets and whole windows, reads before and after adds in a bucket.
     */
    @Test
    void windowTotalAndFailures_equalTheFullSum_asTimeMovesAndEventsArrive() {
        var random = new java.util.Random(7);
        for (int windowBuckets : new int[] {1, 2, 3, 60}) {
            var counts = new SlidingCounts(Duration.ofSeconds(windowBuckets), Duration.ofSeconds(1));
            long now = 0;
            for (int step = 0; step < 5_000; step++) {
                now += random.nextInt(10) == 0
                        ? random.nextLong(windowBuckets * 2L * SECOND)
                        : random.nextLong(SECOND / 4);
                if (random.nextBoolean()) {
                    counts.add(now, random.nextInt(5) == 0);
                }
                assertThat(counts.windowTotal(now))
                        .as("total, %d buckets, at %d ns", windowBuckets, now)
                        .isEqualTo(counts.total(now, windowBuckets));
                assertThat(counts.windowFailures(now))
                        .as("failures, %d buckets, at %d ns", windowBuckets, now)
                        .isEqualTo(counts.failures(now, windowBuckets));
            }
        }
    }
}
