package dev.keel.core.policy;

import dev.keel.wire.time.Ticker;
import java.time.Duration;
import java.util.Objects;

/**
 * An absolute point on a monotonic {@link Ticker} by which a call must be done: the business
 * budget. Immutable; it only ever shrinks ({@link #minimum}), and every layer below reads {@link
 * #remaining()} from it.
 *
 * <pre>{@code
 * Deadline d = Deadline.after(Duration.ofSeconds(30), ticker);
 * Duration attempt = d.attemptTimeout(Duration.ofSeconds(25)); // min(per-call, time left)
 * }</pre>
 */
public final class Deadline {

    private final Ticker ticker;
    private final long atNanos;

    private Deadline(Ticker ticker, long atNanos) {
        this.ticker = ticker;
        this.atNanos = atNanos;
    }

    /**
     * A deadline {@code budget} from now.
     *
     * @throws IllegalArgumentException when the budget is negative
     */
    public static Deadline after(Duration budget, Ticker ticker) {
        if (budget.isNegative()) {
            throw new IllegalArgumentException("a deadline's budget must not be negative, got " + budget);
        }
        return new Deadline(Objects.requireNonNull(ticker, "ticker"), ticker.read() + saturatedNanos(budget));
    }

    /** Time left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - ticker.read()));
    }

    /** Whether no time is left. */
    public boolean isExpired() {
        return atNanos - ticker.read() <= 0;
    }

    /** Whether {@code work} still fits in the time left. */
    public boolean fits(Duration work) {
        return saturatedNanos(work) <= atNanos - ticker.read();
    }

    /** The earlier of this deadline and one {@code budget} from now: a deadline only shrinks. */
    public Deadline minimum(Duration budget) {
        return earlier(after(budget, ticker));
    }

    /** The earlier of the two deadlines. */
    public Deadline earlier(Deadline other) {
        return other.atNanos - atNanos < 0 ? other : this;
    }

    /** The timeout for one attempt: {@code min(perCall, remaining())}. */
    public Duration attemptTimeout(Duration perCall) {
        Duration left = remaining();
        return perCall.compareTo(left) < 0 ? perCall : left;
    }

    /** The ticker this deadline reads. */
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public String toString() {
        return "Deadline[remaining=" + remaining().toMillis() + "ms]";
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 2;
        }
    }
}
