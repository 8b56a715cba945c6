package dev.keel.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One key of the configuration: its name, type, default, what it does, and what else may set it
 * (environment variables, CLI flags). Immutable; declared once in {@link Settings}.
 *
 * @param <T> the Java type of the value
 */
public final class Setting<T> {

    private final String key;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final String description;
    private final Function<T, String> check;
    private final List<String> env;
    private final List<String> flags;
    private final boolean secret;
    private final boolean live;
    private final boolean map;
    private final boolean oneSource;

    private Setting(Builder<T> b) {
        this.key = b.key;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.defaultText = b.defaultText;
        this.description = Objects.requireNonNull(b.description, "description of " + b.key);
        this.check = b.check;
        this.env = b.env != null ? b.env : b.map ? List.of() : List.of(derivedEnv(b.key));
        this.flags = b.flags;
        this.secret = b.secret;
        this.live = b.live;
        this.map = b.map;
        this.oneSource = b.oneSource;
    }

    /** {@code KEEL_} and the key in upper case with dots and dashes as underscores. */
    static String derivedEnv(String key) {
        return "KEEL_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A new setting of {@code type} at {@code key}. */
    public static <T> Builder<T> of(String key, ValueType<T> type) {
        return new Builder<>(key, type);
    }

    public String key() {
        return key;
    }

    public ValueType<T> type() {
        return type;
    }

    /** The default, or null when unset by default (see {@link #defaultText()}). */
    public T defaultValue() {
        return defaultValue;
    }

    /** The default as the reference shows it: the formatted default, or what "unset" means. */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        return defaultValue == null ? "unset" : type.format(defaultValue);
    }

    public String description() {
        return description;
    }

    /** The environment variables that set it, first wins. */
    public List<String> env() {
        return env;
    }

    /** The CLI flags that set it. */
    public List<String> flags() {
        return flags;
    }

    /** A secret: shown only as a fingerprint. */
    public boolean secret() {
        return secret;
    }

    /** Applied by {@code keel serve} when the file changes while running. */
    public boolean live() {
        return live;
    }

    /** A map of names to values: the file's entries are {@code key.NAME: value}. */
    public boolean map() {
        return map;
    }

    /** May be set in the environment or in the file, not in both. */
    public boolean oneSource() {
        return oneSource;
    }

    /** Reads and checks one value. @throws IllegalArgumentException saying what is allowed */
    T read(String text) {
        T v = type.parse(text);
        String problem = check == null ? null : check.apply(v);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    String format(Object value) {
        return type.format((T) value);
    }

    @Override
    public String toString() {
        return key;
    }

    /** Builder for {@link Setting}; not thread-safe. */
    public static final class Builder<T> {
        private final String key;
        private final ValueType<T> type;
        private T defaultValue;
        private String defaultText;
        private String description;
        private Function<T, String> check;
        private List<String> env;
        private List<String> flags = List.of();
        private boolean secret;
        private boolean live;
        private boolean map;
        private boolean oneSource;

        private Builder(String key, ValueType<T> type) {
            this.key = key;
            this.type = type;
        }

        public Builder<T> defaultValue(T v) {
            defaultValue = v;
            return this;
        }

        /** What the default is when it is not one value ("the real API with a key, else the emulator"). */
        public Builder<T> defaultText(String text) {
            defaultText = text;
            return this;
        }

        public Builder<T> doc(String text) {
            description = text;
            return this;
        }

        /** A check returning null when the value is fine, else {@code must be ..., was ...}. */
        public Builder<T> check(Function<T, String> c) {
            check = c;
            return this;
        }

        /** Environment variables instead of the derived {@code KEEL_…} one. */
        public Builder<T> env(String... names) {
            env = List.of(names);
            return this;
        }

        public Builder<T> flags(String... names) {
            flags = List.of(names);
            return this;
        }

        public Builder<T> secret() {
            secret = true;
            return this;
        }

        public Builder<T> live() {
            live = true;
            return this;
        }

        public Builder<T> map() {
            map = true;
            return this;
        }

        public Builder<T> oneSource() {
            oneSource = true;
            return this;
        }

        public Setting<T> build() {
            return new Setting<>(this);
        }
    }

    /** A check: {@code lo <= v <= hi}. */
    public static Function<Integer, String> between(int lo, int hi) {
        return v -> v < lo || v > hi ? "must be between " + lo + " and " + hi + ", was " + v : null;
    }

    /** A check: {@code v >= lo}. */
    public static Function<Integer, String> atLeast(int lo) {
        return v -> v < lo ? "must be at least " + lo + ", was " + v : null;
    }

    /** A check on a number: {@code lo (<|<=) v (<|<=) hi}. */
    public static Function<Double, String> within(double lo, boolean loOpen, double hi, boolean hiOpen) {
        return v -> {
            boolean ok = (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
            return ok
                    ? null
                    : "must be within " + (loOpen ? "(" : "[") + plain(lo) + ", " + plain(hi) + (hiOpen ? ")" : "]")
                            + ", was " + plain(v);
        };
    }

    /** A check on a duration: {@code lo <= d <= hi} (hi null for no upper bound). */
    public static Function<java.time.Duration, String> durationBetween(java.time.Duration lo, java.time.Duration hi) {
        return d -> {
            if (d.compareTo(lo) < 0 || (hi != null && d.compareTo(hi) > 0)) {
                String range = hi == null
                        ? "at least " + ValueType.DURATION.format(lo)
                        : "between " + ValueType.DURATION.format(lo) + " and " + ValueType.DURATION.format(hi);
                return "must be " + range + ", was " + ValueType.DURATION.format(d);
            }
            return null;
        };
    }

    private static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
