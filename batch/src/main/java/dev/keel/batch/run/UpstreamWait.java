package dev.keel.batch.run;

import dev.keel.core.error.KeelException;
import java.time.Clock;
import java.time.Duration;

/**
 * How long a run has gone without a step that got through to the upstream, and when to stop
 * waiting: each step that worked resets it; each retryable failure (no connection, a timeout, 429,
 * 5xx) is remembered with its reason, and once {@code giveUpAfter} has passed since the last step
 * that worked the run gives up with {@link UpstreamGaveUpException}, its ledger intact and
 * resumable. Time comes from the injected clock. Not thread-safe; one per runner.
 */
final class UpstreamWait {

    /** The default bound: ten minutes without getting through. */
    static final Duration DEFAULT_GIVE_UP = Duration.ofMinutes(10);

    private final Duration giveUpAfter;
    private final Clock clock;
    private final String upstream;
    private long since;
    private KeelException last;

    /** @throws IllegalArgumentException when {@code giveUpAfter} is not positive */
    UpstreamWait(Duration giveUpAfter, Clock clock, String upstream) {
        if (giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("--give-up-after must be positive, was " + giveUpAfter);
        }
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
        this.upstream = upstream;
        this.since = clock.millis();
    }

    /** (Re)starts the count, e.g. when a drive begins. */
    void start() {
        since = clock.millis();
        last = null;
    }

    /** A step got through. */
    void reached() {
        since = clock.millis();
        last = null;
    }

    /** A step failed with a retryable failure; returns the line that says what the run waits for. */
    String failed(KeelException e) {
        last = e;
        return "waiting for upstream " + upstream + ": " + reason(e) + "; giving up in " + human(left());
    }

    /** Whether the run should stop waiting now. */
    boolean expired() {
        return last != null && left().isZero();
    }

    /** The failure to throw once {@link #expired()}; {@code what} names the work left, e.g. {@code run run-1a2b}. */
    UpstreamGaveUpException gaveUp(String what) {
        return new UpstreamGaveUpException(
                last.kind(),
                "gave up after " + human(giveUpAfter) + " without getting through to upstream " + upstream + " ("
                        + reason(last) + "). Nothing is lost: " + what + " is resumable; rerun the same"
                        + " command when the upstream is back (--give-up-after sets how long to wait)",
                last);
    }

    private Duration left() {
        long ms = giveUpAfter.toMillis() - (clock.millis() - since);
        return Duration.ofMillis(Math.max(0, ms));
    }

    private static String reason(KeelException e) {
        String m = e.getMessage() == null ? e.kind().name() : e.getMessage();
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }

    /** 9m30s, 45s, 1h2m: whole seconds, the largest units first. */
    static String human(Duration d) {
        long s = (d.toMillis() + 999) / 1000;
        if (s < 60) {
            return s + "s";
        }
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        return (h > 0 ? h + "h" : "") + (m > 0 ? m + "m" : "") + (sec > 0 ? sec + "s" : "");
    }
}
