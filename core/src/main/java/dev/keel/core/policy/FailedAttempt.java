package dev.keel.core.policy;

import dev.keel.core.error.KeelException;
import java.util.Objects;

/**
 * A failed attempt as the retry policy judges it: its error (kind, attempts so far, the upstream's
 * Retry-After and {@code x-should-retry}) and whether its request can be sent again (a stream after
 * its first byte, or a body read once, cannot). Immutable.
 */
public record FailedAttempt(KeelException error, boolean replayable) {

    /** @throws NullPointerException when {@code error} is null */
    public FailedAttempt {
        Objects.requireNonNull(error, "error");
    }

    /** A failure whose request can be sent again. */
    public static FailedAttempt replayable(KeelException error) {
        return new FailedAttempt(error, true);
    }

    /** A failure whose request cannot be sent again. */
    public static FailedAttempt notReplayable(KeelException error) {
        return new FailedAttempt(error, false);
    }
}
