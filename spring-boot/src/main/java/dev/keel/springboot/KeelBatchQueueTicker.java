package dev.keel.springboot;

import dev.keel.batch.BatchQueue;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link BatchQueue#tick()} on a daemon thread so a window closes without new traffic, and at
 * close (the context's shutdown) stops ticking and {@link BatchQueue#flush() flushes} what still
 * waits, so queued work reaches the ledger rather than being lost. A failed tick is logged and the
 * next one tries again. Thread-safe.
 */
public final class KeelBatchQueueTicker implements AutoCloseable {

    /** How often the auto-configured ticker ticks. */
    public static final Duration EVERY = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(KeelBatchQueueTicker.class);

    private final BatchQueue queue;
    private final ScheduledExecutorService timer;

    private KeelBatchQueueTicker(BatchQueue queue, ScheduledExecutorService timer) {
        this.queue = queue;
        this.timer = timer;
    }

    /** Starts ticking {@code queue} every {@code every}. */
    public static KeelBatchQueueTicker start(BatchQueue queue, Duration every) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keel-batch-queue");
            t.setDaemon(true);
            return t;
        });
        var ticker = new KeelBatchQueueTicker(queue, timer);
        timer.scheduleWithFixedDelay(ticker::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return ticker;
    }

    private void tick() {
        try {
            queue.tick();
        } catch (RuntimeException e) {
            LOG.warn(
                    "keel batch queue: a flush failed, the tasks' input file stays under the run folder: {}",
                    e.getMessage());
        }
    }

    /** Stops ticking, then flushes what waits. */
    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(30, TimeUnit.SECONDS);
        queue.flush();
    }
}
