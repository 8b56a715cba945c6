package dev.keel.core.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock for tests that moves only when told to, so timing rules are tested without waiting.
 * Thread-safe.
 */
public final class FakeClock implements InstantSource {

    private Instant now;

    /** A clock at {@code start}. */
    public FakeClock(Instant start) {
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

    /** Moves the clock forward. @throws IllegalArgumentException for a negative step */
    public synchronized FakeClock advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward, got " + step);
        }
        now = now.plus(step);
        return this;
    }
}
