package dev.keel.config;

import static dev.keel.config.Settings.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules between keys: each compares two effective values and blames the one that was set (the
 * first when both were), saying what the other is and where it came from. Stateless.
 */
final class Rules {

    private Rules() {}

    /**
     * One ordering rule: {@code smaller} must be below {@code larger} (or not above it when {@code
     * strictly} is false). The key blamed is the one that was set; when both were, {@code smaller}
     * unless {@code blameLarger}. With {@code onlyWhenSmallerSet} the rule holds only for a {@code
     * smaller} someone set (its default depends on the mode, and the built object checks it).
     */
    private record Order<T extends Comparable<T>>(
            Setting<T> smaller,
            Setting<T> larger,
            boolean strictly,
            String below,
            String above,
            String why,
            boolean blameLarger,
            boolean onlyWhenSmallerSet) {
        Order(Setting<T> smaller, Setting<T> larger, boolean strictly, String below, String above, String why) {
            this(smaller, larger, strictly, below, above, why, false, false);
        }
    }

    private static final List<Order<?>> ORDERS = List.of(
            new Order<>(
                    PER_CALL_TIMEOUT,
                    BUSINESS_TIMEOUT,
                    true,
                    "shorter than",
                    "longer than",
                    ": a retry could never fit in the call's budget"),
            new Order<>(
                    BUSINESS_TIMEOUT,
                    CALLER_TIMEOUT,
                    true,
                    "shorter than",
                    "longer than",
                    ": the caller gives up while keel may still be retrying (timeouts that are not real)"),
            new Order<>(BACKOFF_BASE, BACKOFF_CAP, false, "at most", "at least", ""),
            new Order<>(
                    BATCH_POLL,
                    BATCH_LEASE,
                    true,
                    "shorter than",
                    "longer than",
                    ": other workers would take chunks over while they are worked on",
                    false,
                    true),
            new Order<>(
                    PER_CALL_TIMEOUT,
                    BATCH_LEASE,
                    false,
                    "at most",
                    "at least",
                    ": another worker would take a chunk over while its create is in flight and pay for it twice",
                    true,
                    false),
            new Order<>(BATCH_LINE_SIZE, BATCH_CHUNK_SIZE, true, "below", "above", ""),
            new Order<>(
                    TOKEN_ROTATION_LEAD,
                    TOKEN_TTL,
                    true,
                    "shorter than",
                    "longer than",
                    ": every token would be due for rotation as soon as it is issued"),
            new Order<>(AUTO_ROLLBACK_MIN_SAMPLES, AUTO_ROLLBACK_WINDOW, false, "at most", "at least", ""));

    /** The problems between the effective values; keys that failed on their own are skipped. */
    static List<ConfigProblem> check(
            Map<Setting<?>, Object> values, Map<Setting<?>, Origin> origins, Set<Setting<?>> bad) {
        var problems = new ArrayList<ConfigProblem>();
        for (Order<?> o : ORDERS) {
            order(o, values, origins, bad, problems);
        }
        if (!bad.contains(H2C) && !bad.contains(HTTP2) && (Boolean) values.get(H2C) && !(Boolean) values.get(HTTP2)) {
            boolean blameH2c = origins.get(H2C).kind() != Origin.Kind.DEFAULT;
            problems.add(new ConfigProblem(
                    blameH2c ? origins.get(H2C) : origins.get(HTTP2),
                    blameH2c ? H2C.key() : HTTP2.key(),
                    blameH2c
                            ? "cleartext HTTP/2 needs pool.http2: true (it is false, " + origins.get(HTTP2) + ")"
                            : "must stay true while upstream.h2c is true (" + origins.get(H2C) + ")"));
        }
        return problems;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Comparable<T>> void order(
            Order<T> o,
            Map<Setting<?>, Object> values,
            Map<Setting<?>, Origin> origins,
            Set<Setting<?>> bad,
            List<ConfigProblem> problems) {
        T small = (T) values.get(o.smaller());
        T large = (T) values.get(o.larger());
        if (small == null || large == null || bad.contains(o.smaller()) || bad.contains(o.larger())) {
            return;
        }
        if (o.onlyWhenSmallerSet() && origins.get(o.smaller()).kind() == Origin.Kind.DEFAULT) {
            return;
        }
        int c = small.compareTo(large);
        if (o.strictly() ? c < 0 : c <= 0) {
            return;
        }
        Origin so = origins.get(o.smaller());
        Origin lo = origins.get(o.larger());
        boolean smallSet = so.kind() != Origin.Kind.DEFAULT;
        boolean largeSet = lo.kind() != Origin.Kind.DEFAULT;
        boolean blameSmall = smallSet && largeSet ? !o.blameLarger() : smallSet || !largeSet;
        if (blameSmall) {
            problems.add(new ConfigProblem(
                    so,
                    o.smaller().key(),
                    "must be " + o.below() + " " + o.larger().key() + " ("
                            + o.larger().format(large) + ", " + lo + "), was "
                            + o.smaller().format(small) + o.why()));
        } else {
            problems.add(new ConfigProblem(
                    lo,
                    o.larger().key(),
                    "must be " + o.above() + " " + o.smaller().key() + " ("
                            + o.smaller().format(small) + ", " + so + "), was "
                            + o.larger().format(large) + o.why()));
        }
    }
}
