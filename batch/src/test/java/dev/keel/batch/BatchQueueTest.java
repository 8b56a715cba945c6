package dev.keel.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.wire.json.Json;
import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchQueueTest {

    private final FakeClock clock = new FakeClock();
    private final List<List<BatchLine>> flushed = new ArrayList<>();
    private final BatchQueue queue =
            new BatchQueue(new BatchQueueConfig(500, Duration.ofMinutes(15), 100), clock, flushed::add);

    private static BatchTask task(int i) {
        return BatchTask.offline(
                BatchLine.post("t-" + i, "/v1/responses", Json.object().put("model", "gpt-4o")));
    }

    @Test
    void fiveHundredItemsAtOneMinuteFlushAtOneMinute() {
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 500; i++) {
            queue.offer(task(i));
        }
        assertThat(flushed).hasSize(1);
        assertThat(flushed.get(0)).hasSize(500);
        assertThat(queue.size()).isZero();
    }

    @Test
    void tenItemsFlushWhenTheWindowCloses() {
        for (int i = 0; i < 10; i++) {
            queue.offer(task(i));
        }
        clock.advance(Duration.ofMinutes(14).plusSeconds(59));
        queue.tick();
        assertThat(flushed).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        queue.tick();
        assertThat(flushed).hasSize(1);
        assertThat(flushed.get(0)).hasSize(10);
    }

    @Test
    void anEmptyWindowNeverFlushes() {
        clock.advance(Duration.ofHours(1));
        queue.tick();
        assertThat(flushed).isEmpty();
    }

    @Test
    void realtimeTasksAreRefused() {
        var rt = new BatchTask(task(1).line(), TaskKind.REALTIME);
        assertThatThrownBy(() -> queue.offer(rt))
                .isInstanceOf(RealtimeTaskException.class)
                .hasMessageContaining("t-1");
        assertThat(queue.size()).isZero();
    }

    @Test
    void theCanaryShareIsStickyAndWithinTwoPointsOfItsPercentage() {
        int in = 0;
        for (int i = 0; i < 10_000; i++) {
            String key = "order-" + i;
            boolean first = BatchQueue.inCanary(key, 20);
            assertThat(BatchQueue.inCanary(key, 20)).isEqualTo(first);
            if (first) {
                in++;
                assertThat(BatchQueue.inCanary(key, 50))
                        .as("growing the share keeps %s in it", key)
                        .isTrue();
            }
            assertThat(BatchQueue.inCanary(key, 0)).isFalse();
            assertThat(BatchQueue.inCanary(key, 100)).isTrue();
        }
        assertThat(in).isBetween(1_800, 2_200);
    }

    @Test
    void tasksOutsideTheCanaryStaySynchronous() {
        var q = new BatchQueue(new BatchQueueConfig(500, Duration.ofMinutes(15), 0), clock, flushed::add);
        assertThat(q.offer(task(1))).isEqualTo(BatchQueue.Route.SYNC);
        assertThat(q.size()).isZero();
    }

    @Test
    void customIdsUseTheFirstEnqueueTime() {
        assertThat(CustomIds.build("order-42", 1_700_000_000L)).isEqualTo("order-42-1700000000");
        assertThatThrownBy(() -> CustomIds.build(" ", 1)).hasMessageContaining("bizKey");
    }

    @Test
    void flush_handsEveryWaitingTaskOver_beforeTheWindow_andAnEmptyQueueNever() {
        queue.flush();
        assertThat(flushed).isEmpty();
        for (int i = 0; i < 3; i++) {
            queue.offer(task(i));
        }
        queue.flush();
        assertThat(flushed).hasSize(1);
        assertThat(flushed.get(0)).extracting(BatchLine::customId).containsExactly("t-0", "t-1", "t-2");
        assertThat(queue.size()).isZero();
        queue.flush();
        assertThat(flushed).hasSize(1);
    }
}
