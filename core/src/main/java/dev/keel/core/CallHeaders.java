package dev.keel.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * keel's per-call options carried as request headers, read into {@link CallOptions}: by {@code
 * keel-openai-java} for the SDK's calls and by {@code keel-gateway} for its clients' calls. The
 * headers, each optional: {@value #BUDGET} ({@code 5s}, {@code 500ms}, {@code 2m} or ISO-8601 {@code
 * PT5S}), {@value #IDEMPOTENCY_KEY}, {@value #TRAFFIC_CLASS} ({@code online}|{@code batch}), {@value
 * #CRITICAL} ({@code true}|{@code false}) and {@value #FALLBACK_KEY}. They are never sent upstream
 * ({@link dev.keel.core.http.RawCall}). Stateless and thread-safe.
 */
public final class CallHeaders {

    public static final String BUDGET = "X-Keel-Budget";
    public static final String IDEMPOTENCY_KEY = "X-Keel-Idempotency-Key";
    public static final String TRAFFIC_CLASS = "X-Keel-Traffic-Class";
    public static final String CRITICAL = "X-Keel-Critical";
    public static final String FALLBACK_KEY = "X-Keel-Fallback-Key";

    private CallHeaders() {}

    /**
     * The call options {@code headers} (lower-case names) ask for, on top of {@link
     * CallOptions#defaults()}; {@code plainIdempotencyKey} (the request's own {@code
     * Idempotency-Key}, or null) is used when {@value #IDEMPOTENCY_KEY} is absent.
     *
     * @param fix what the caller should do about a bad value, appended to the message
     * @throws IllegalArgumentException naming the header, its value and what it accepts, when a
     *     value cannot be read
     */
    public static CallOptions read(Map<String, List<String>> headers, String plainIdempotencyKey, String fix) {
        CallOptions o = CallOptions.defaults();
        String budget = first(headers, BUDGET);
        if (budget != null) {
            o = o.withBudget(
                    parse(BUDGET, budget, CallHeaders::duration, "a positive duration such as 5s, 500ms, 2m", fix));
        }
        String key = first(headers, IDEMPOTENCY_KEY);
        key = key != null ? key : plainIdempotencyKey;
        if (key != null) {
            o = o.withIdempotencyKey(parse(IDEMPOTENCY_KEY, key, k -> k, "a non-blank key", fix));
        }
        String traffic = first(headers, TRAFFIC_CLASS);
        if (traffic != null) {
            o = o.withTrafficClass(parse(
                    TRAFFIC_CLASS,
                    traffic,
                    t -> TrafficClass.valueOf(t.toUpperCase(Locale.ROOT)),
                    "online or batch",
                    fix));
        }
        String critical = first(headers, CRITICAL);
        if (critical != null) {
            o = o.withCritical(parse(CRITICAL, critical, CallHeaders::bool, "true or false", fix));
        }
        String fallback = first(headers, FALLBACK_KEY);
        if (fallback != null) {
            o = o.withFallbackKey(parse(FALLBACK_KEY, fallback, k -> k, "a non-blank key", fix));
        }
        return o;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0).strip();
    }

    private static <T> T parse(String header, String value, Function<String, T> reader, String accepted, String fix) {
        try {
            T t = reader.apply(value);
            return switch (t) {
                case Duration d when d.isZero() || d.isNegative() -> throw new IllegalArgumentException("not positive");
                case String s when s.isBlank() -> throw new IllegalArgumentException("blank");
                default -> t;
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "request header " + header + ": '" + value + "' is not " + accepted + "; " + fix, e);
        }
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    /**
     * {@code 5s}, {@code 500ms}, {@code 2m}, or ISO-8601 such as {@code PT5S}.
     *
     * @throws IllegalArgumentException or {@link DateTimeParseException} when it is none of these
     */
    public static Duration duration(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        if (s.startsWith("pt")) {
            return Duration.parse(v);
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(
                    Long.parseLong(s.substring(0, s.length() - 2).strip()));
        }
        if (s.endsWith("s")) {
            return Duration.ofSeconds(
                    Long.parseLong(s.substring(0, s.length() - 1).strip()));
        }
        if (s.endsWith("m")) {
            return Duration.ofMinutes(
                    Long.parseLong(s.substring(0, s.length() - 1).strip()));
        }
        throw new IllegalArgumentException("no unit");
    }
}
