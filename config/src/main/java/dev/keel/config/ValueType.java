package dev.keel.config;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the text of a value is read and written back: durations ({@code 250ms}, {@code 30s},
 * {@code 2m}, {@code 6h}, {@code 28d}), sizes ({@code 512KB}, {@code 200MB}, {@code 1GB}, binary
 * units), USD amounts, ratios, whole numbers, booleans, URLs, paths, choices and plain text.
 * Implementations are immutable and thread-safe.
 *
 * @param <T> the Java type of the value
 */
public interface ValueType<T> {

    /**
     * Reads {@code text}.
     *
     * @throws IllegalArgumentException with a message such as {@code must be a duration such as
     *     250ms, 30s or 2m, was 'soon'}
     */
    T parse(String text);

    /** The value as a file would spell it ({@code 30s}, {@code 200MB}). */
    String format(T value);

    /** What the type accepts, for the reference ({@code duration}, {@code size}). */
    String describe();

    ValueType<String> STRING = simple("text", s -> s, s -> s);

    ValueType<Integer> INTEGER = simple(
            "whole number",
            s -> {
                try {
                    return Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be a whole number, was '" + s + "'");
                }
            },
            String::valueOf);

    ValueType<Double> NUMBER = simple("number", ValueType::decimal, ValueType::plain);

    ValueType<Double> MONEY = simple(
            "USD amount",
            s -> {
                String t = s.startsWith("$") ? s.substring(1) : s;
                double v;
                try {
                    v = decimal(t);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("must be a USD amount such as 5 or 12.50, was '" + s + "'");
                }
                return v == 0 ? 0.0 : v;
            },
            ValueType::plain);

    ValueType<Boolean> BOOLEAN = simple(
            "true or false",
            s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new IllegalArgumentException("must be true or false, was '" + s + "'");
            },
            String::valueOf);

    ValueType<Duration> DURATION = simple("duration", ValueType::duration, ValueType::formatDuration);

    ValueType<Long> SIZE = simple("size", ValueType::size, ValueType::formatSize);

    ValueType<URI> URL = url("https://api.openai.com/v1");

    /** An http(s) URL; a bad one is refused with {@code example} as the shape to follow. */
    static ValueType<URI> url(String example) {
        return simple(
                "http(s) URL",
                s -> {
                    String problem;
                    try {
                        URI uri = new URI(s);
                        String scheme =
                                uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                        if (!scheme.equals("http") && !scheme.equals("https")) {
                            problem = "it needs an http:// or https:// scheme";
                        } else if (uri.getHost() == null) {
                            problem = "it has no host";
                        } else {
                            return uri;
                        }
                    } catch (java.net.URISyntaxException e) {
                        problem = e.getReason();
                    }
                    throw new IllegalArgumentException(
                            "must be a URL such as " + example + " (" + problem + "), was '" + s + "'");
                },
                URI::toString);
    }

    ValueType<Path> PATH = simple(
            "path",
            s -> {
                try {
                    return Path.of(s);
                } catch (InvalidPathException e) {
                    throw new IllegalArgumentException("must be a file or folder path, was '" + s + "'");
                }
            },
            Path::toString);

    /** One of {@code choices}, compared without case. */
    static ValueType<String> choice(String... choices) {
        List<String> all = List.of(choices);
        return simple(
                "one of " + String.join(", ", all),
                s -> {
                    for (String c : all) {
                        if (c.equalsIgnoreCase(s)) {
                            return c;
                        }
                    }
                    throw new IllegalArgumentException(
                            "must be one of " + String.join(", ", all) + ", was '" + s + "'");
                },
                s -> s);
    }

    /** A type from a parser and a formatter. */
    static <T> ValueType<T> simple(
            String description,
            java.util.function.Function<String, T> parser,
            java.util.function.Function<T, String> formatter) {
        return new ValueType<>() {
            @Override
            public T parse(String text) {
                return parser.apply(text.strip());
            }

            @Override
            public String format(T value) {
                return formatter.apply(value);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    private static double decimal(String s) {
        try {
            double v = new BigDecimal(s).doubleValue();
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("must be a number such as 0.25, was '" + s + "'");
    }

    private static String plain(Double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    Pattern DURATION_TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    private static Duration duration(String s) {
        Matcher m = DURATION_TEXT.matcher(s.toLowerCase(Locale.ROOT));
        try {
            if (m.matches()) {
                long unitNanos = switch (m.group(2)) {
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    case "h" -> 3_600_000_000_000L;
                    default -> 86_400_000_000_000L;
                };
                // 1.5s is 1500ms; a fraction finer than a nanosecond is not a duration.
                return Duration.ofNanos(new java.math.BigDecimal(m.group(1))
                        .multiply(java.math.BigDecimal.valueOf(unitNanos))
                        .longValueExact());
            }
            if (s.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Duration.parse(s);
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(
                "must be a duration such as 250ms, 1.5s, 30s, 2m, 6h or 28d, was '" + s + "'");
    }

    private static String formatDuration(Duration d) {
        long ms = d.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms != 0 && ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }

    Pattern SIZE_TEXT = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?");

    private static long size(String s) {
        Matcher m = SIZE_TEXT.matcher(s.toUpperCase(Locale.ROOT));
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "B" : m.group(2);
                int shift = switch (unit) {
                    case "KB" -> 10;
                    case "MB" -> 20;
                    case "GB" -> 30;
                    default -> 0;
                };
                if (n <= (Long.MAX_VALUE >> shift)) {
                    return n << shift;
                }
            } catch (NumberFormatException e) {
                // fall through to the message
            }
        }
        throw new IllegalArgumentException("must be a size such as 512KB, 200MB or 1GB, was '" + s + "'");
    }

    private static String formatSize(Long bytes) {
        String[] names = {"GB", "MB", "KB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < names.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + names[i];
            }
        }
        return bytes + "B";
    }
}
