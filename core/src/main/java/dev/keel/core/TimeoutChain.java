package dev.keel.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a chain of timeouts from the outermost layer (e.g. a gateway) to the innermost (e.g. the
 * OpenAI client): each layer must allow more time than the one inside it, or the outer layer gives
 * up while the inner one still waits — the recipe's "fake timeouts" (gateway 20 s / service 25 s /
 * client 30 s). Stateless.
 */
public final class TimeoutChain {

    /** One layer: its name and its timeout. */
    public record Layer(String name, Duration timeout) {}

    /** A problem between two adjacent layers, with what to do about it. */
    public record Finding(Layer outer, Layer inner, String message) {}

    private TimeoutChain() {}

    /**
     * The problems in {@code outermostFirst}; empty when every layer is longer than the one inside it.
     *
     * @throws IllegalArgumentException when a timeout is not positive
     */
    public static List<Finding> check(List<Layer> outermostFirst) {
        var findings = new ArrayList<Finding>();
        for (Layer l : outermostFirst) {
            if (l.timeout().isZero() || l.timeout().isNegative()) {
                throw new IllegalArgumentException(
                        "timeout of '" + l.name() + "' must be positive, got " + l.timeout());
            }
        }
        for (int i = 0; i + 1 < outermostFirst.size(); i++) {
            Layer outer = outermostFirst.get(i);
            Layer inner = outermostFirst.get(i + 1);
            if (outer.timeout().compareTo(inner.timeout()) <= 0) {
                findings.add(new Finding(outer, inner, describe(outer, inner)));
            }
        }
        return findings;
    }

    private static String describe(Layer outer, Layer inner) {
        String relation = outer.timeout().equals(inner.timeout()) ? "equals" : "is shorter than";
        return outer.name() + " (" + human(outer.timeout()) + ") " + relation + " " + inner.name() + " ("
                + human(inner.timeout()) + "): " + outer.name() + " gives up while " + inner.name()
                + " may still be working or retrying, which shows up as timeouts that are not real."
                + " Make " + outer.name() + " longer than " + inner.name() + ", or " + inner.name() + " shorter.";
    }

    /** {@code 30s}, {@code 1.5s}, {@code 250ms}. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms >= 1000 ? (ms / 1000.0) + "s" : ms + "ms";
    }
}
