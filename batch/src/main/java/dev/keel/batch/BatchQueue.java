package dev.keel.batch;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The batch path for a service: offline-safe tasks accumulate and are handed to a flusher (which
 * writes them as a batch input, e.g. for {@code keel batch submit}) when {@code maxItems} wait or the
 * oldest has waited a window, whichever comes first. A sticky canary share decides which tasks take
 * the batch path at all; the rest, and every realtime task, stay synchronous.
 *
 * <p>Call {@link #tick()} on a schedule (every few seconds) so windows close without new traffic.
 * Time comes from the injected clock. Thread-safe; the flusher runs on the offering or ticking
 * thread, outside the lock.
 */
public final class BatchQueue {

    /** Where an offered task went. */
    public enum Route {
        /** Queued for the Batch API. */
        BATCH,
        /** Not in the canary share: run it synchronously now. */
        SYNC
    }

    private final BatchQueueConfig config;
    private final InstantSource clock;
    private final Consumer<List<BatchLine>> flusher;
    private final List<BatchLine> waiting = new ArrayList<>();
    private long windowStart;

    public BatchQueue(BatchQueueConfig config, InstantSource clock, Consumer<List<BatchLine>> flusher) {
        this.config = Objects.requireNonNull(config);
        this.clock = Objects.requireNonNull(clock);
        this.flusher = Objects.requireNonNull(flusher);
    }

    /**
     * Offers a task: queued for batch when it is offline-safe and in the canary share.
     *
     * @throws RealtimeTaskException for a {@link TaskKind#REALTIME} task
     */
    public Route offer(BatchTask task) {
        if (task.kind() == TaskKind.REALTIME) {
            throw new RealtimeTaskException(task.line().customId());
        }
        if (!inCanary(task.line().customId(), config.canaryPercent())) {
            return Route.SYNC;
        }
        List<BatchLine> full = null;
        synchronized (waiting) {
            if (waiting.isEmpty()) {
                windowStart = clock.millis();
            }
            waiting.add(task.line());
            if (waiting.size() >= config.maxItems()) {
                full = drain();
            }
        }
        if (full != null) {
            flusher.accept(full);
        }
        return Route.BATCH;
    }

    /** Flushes when the oldest waiting task has waited the window; an empty queue never flushes. */
    public void tick() {
        List<BatchLine> due = null;
        synchronized (waiting) {
            if (!waiting.isEmpty()
                    && clock.millis() - windowStart >= config.window().toMillis()) {
                due = drain();
            }
        }
        if (due != null) {
            flusher.accept(due);
        }
    }

    /**
     * Hands every waiting task to the flusher now, whatever the window (e.g. at shutdown, so queued
     * work reaches the ledger instead of being lost); an empty queue never flushes.
     */
    public void flush() {
        List<BatchLine> all;
        synchronized (waiting) {
            if (waiting.isEmpty()) {
                return;
            }
            all = drain();
        }
        flusher.accept(all);
    }

    /** Tasks waiting now. */
    public int size() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private List<BatchLine> drain() {
        var out = List.copyOf(waiting);
        waiting.clear();
        return out;
    }

    /**
     * Whether {@code routingKey} falls in a {@code percent} share: its CRC-32 mod 100, so a key keeps
     * its route as long as the percentage does not shrink below it. 0 and 100 are exact.
     */
    public static boolean inCanary(String routingKey, int percent) {
        var crc = new CRC32();
        crc.update(routingKey.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 100 < percent;
    }
}
