package dev.keel.emulator;

import java.time.Duration;

/**
 * How long each stage of a batch takes in emulated time; the emulator's batch speed maps emulated
 * time onto wall time (speed 3600: one emulated hour per real second).
 *
 * @param validating time in {@code validating} before the input is checked
 * @param perRequest processing time per request while {@code in_progress} (requests run one after
 *     another, so a batch of n requests runs for n times this)
 * @param finalizing time in {@code finalizing}
 * @param cancelling time from {@code cancelling} to {@code cancelled} (the real API: up to 10 min)
 * @param completionWindow the window after which an unfinished batch expires (the API allows only
 *     24 h)
 */
public record BatchTimings(
        Duration validating, Duration perRequest, Duration finalizing, Duration cancelling, Duration completionWindow) {

    /** @throws IllegalArgumentException when a duration is negative or the window is not positive */
    public BatchTimings {
        for (Duration d : new Duration[] {validating, perRequest, finalizing, cancelling}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("batch stage durations must not be negative, got " + d);
            }
        }
        if (completionWindow.isZero() || completionWindow.isNegative()) {
            throw new IllegalArgumentException("completion window must be positive, got " + completionWindow);
        }
    }

    /** 5 s validating, 200 ms per request, 5 s finalizing, 30 s cancelling, a 24 h window. */
    public static BatchTimings ofDefaults() {
        return new BatchTimings(
                Duration.ofSeconds(5),
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofHours(24));
    }
}
