package dev.keel.wire.testing;

import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock and ticker for tests that move only when told to, so timing rules are tested without waiting.
 * Thread-safe.
 */
public final class FakeClock implements InstantSource, Ticker {

    private final Instant start;
    private Instant now;

    /** A clock at {@code start}. */
    public FakeClock(Instant start) {
        this.start = start;
        this.now = start;
    }

    /** A clock at 2026-01-01T00:00:00Z. */
    public FakeClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    /** Nanoseconds since the clock's start: the same time as {@link #instant()}, as a monotonic ticker. */
    @Override
    public synchronized long read() {
        return java.time.Duration.between(start, now).toNanos();
    }

    /** Moves the clock forward. @throws IllegalArgumentException for a negative step */
    public synchronized FakeClock advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward, got " + step);
        }
        now = now.plus(step);
        return this;
    }
}
