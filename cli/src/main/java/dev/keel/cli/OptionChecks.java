package dev.keel.cli;

import dev.keel.config.ValueType;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Checks of the money, ratio and duration options, run by picocli while it parses, so a bad value stops the
 * command before anything starts (exit 2, the option and value named): without them {@code
 * --max-cost NaN} parses and every comparison with it is false, so the ceiling never fires, and
 * {@code --alert-threshold 2} can never alert. Stateless and thread-safe.
 */
final class OptionChecks {

    private OptionChecks() {}

    /** A USD amount: a finite number {@code >= 0}. */
    static final class Money implements ITypeConverter<Double> {
        @Override
        public Double convert(String text) {
            double v = number(text, "a USD amount such as 5 or 12.50");
            if (v < 0) {
                throw new TypeConversionException("'" + text + "' is negative; give a USD amount >= 0, such as 5");
            }
            return v == 0 ? 0.0 : v; // -0 reads as 0
        }
    }

    /** A fraction: a finite number from 0 to 1 ({@code 0.03} is 3 %). */
    static final class Ratio implements ITypeConverter<Double> {
        @Override
        public Double convert(String text) {
            double v = number(text, "a fraction from 0 to 1 such as 0.03 (3%)");
            if (v < 0 || v > 1) {
                throw new TypeConversionException(
                        "'" + text + "' is outside 0..1; give a fraction such as 0.03 for 3% (not 3)");
            }
            return v == 0 ? 0.0 : v;
        }
    }

    /**
     * A duration as keel.yaml spells one ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 6h}, {@code 28d}
     * or ISO-8601 {@code PT30S}); registered once for every {@link Duration} option by {@link
     * Main#commandLine(Object)}, so picocli names the option: {@code Invalid value for option
     * '--poll-interval': '5x' is not a duration; use e.g. 30s, 250ms, 5m}. Ranges (at least 1ms, …)
     * stay with the configuration key the option sets.
     */
    static final class Durations implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        /**
         * Parses {@code text} as a duration.
         *
         * @throws IllegalArgumentException {@code '5x' is not a duration; use e.g. 30s, 250ms, 5m}
         */
        static Duration parse(String text) {
            try {
                return ValueType.DURATION.parse(text == null ? "" : text.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 30s, 250ms, 5m");
            }
        }
    }

    /** A finite decimal number; picocli's own parsing would take {@code NaN}, {@code Infinity} and hex floats. */
    private static double number(String text, String what) {
        String t = text == null ? "" : text.strip();
        if (!t.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?")) {
            throw new TypeConversionException("'" + text + "' is not a number; give " + what);
        }
        double v = Double.parseDouble(t);
        if (!Double.isFinite(v)) {
            throw new TypeConversionException(String.format(Locale.ROOT, "'%s' is too large; give %s", text, what));
        }
        return v;
    }
}
