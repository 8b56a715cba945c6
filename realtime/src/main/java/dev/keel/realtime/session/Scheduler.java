package dev.keel.realtime.session;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a task later (the planned reconnect); tests pass one driven by a fake clock. Thread-safe. */
@FunctionalInterface
public interface Scheduler {

    /** Runs {@code task} after {@code delay}; the returned handle cancels it. */
    AutoCloseable schedule(Duration delay, Runnable task);

    /** A daemon-thread scheduler. */
    static Scheduler system() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("keel-realtime-scheduler").factory());
        return (delay, task) -> {
            var f = s.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
