package dev.keel.realtime.session;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a task later (the planned reconnect, token refresh); tests pass one driven by a fake clock. Thread-safe. */
@FunctionalInterface
public interface Scheduler {

    /** Runs {@code task} after {@code delay}; the returned handle cancels it. */
    AutoCloseable schedule(Duration delay, Runnable task);

    /** The process-wide scheduler: one daemon thread shared by every session (tasks must be short). */
    static Scheduler system() {
        return Shared.INSTANCE;
    }

    /** Holds the shared scheduler, created on first use. */
    final class Shared {
        private static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("keel-realtime-scheduler").factory());
        static final Scheduler INSTANCE = (delay, task) -> {
            var f = EXECUTOR.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };

        private Shared() {}
    }
}
