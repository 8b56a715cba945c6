package dev.keel.wire.time;

/**
 * A monotonic nanosecond source, so deadlines and windows are measured without wall-clock jumps and
 * tests can move time by hand. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Ticker {

    /** The JVM's monotonic clock, {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary fixed origin; only differences mean anything. */
    long read();
}
