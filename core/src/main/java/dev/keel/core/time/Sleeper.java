package dev.keel.core.time;

import java.time.Duration;

/** Waits between attempts; tests pass one that moves a fake clock instead of waiting. Thread-safe. */
@FunctionalInterface
public interface Sleeper {

    /** Really waits, on the calling thread. */
    Sleeper SYSTEM = d -> Thread.sleep(d);

    /** Waits {@code duration}. @throws InterruptedException when interrupted */
    void sleep(Duration duration) throws InterruptedException;
}
