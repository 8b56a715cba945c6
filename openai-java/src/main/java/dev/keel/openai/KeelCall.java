package dev.keel.openai;

import com.openai.core.http.Headers;
import dev.keel.core.CallOptions;
import dev.keel.core.TrafficClass;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * keel's per-call options for one SDK call, carried as request headers that {@link KeelHttpClient}
 * reads into {@link CallOptions} and strips before the wire, so nothing keel-specific reaches the
 * upstream. Put them on any SDK call's params:
 *
 * <pre>{@code
 * client.responses().create(ResponseCreateParams.builder()
 *         .model("gpt-4.1-mini").input("Hi")
 *         .additionalHeaders(KeelCall.options().budget(Duration.ofSeconds(5)).idempotencyKey("idem:acme:42").build())
 *         .build());
 * }</pre>
 *
 * The headers, each optional: {@value #BUDGET} ({@code 5s}, {@code 500ms}, {@code 2m} or ISO-8601
 * {@code PT5S}), {@value #IDEMPOTENCY_KEY}, {@value #TRAFFIC_CLASS} ({@code online}|{@code batch}),
 * {@value #CRITICAL} ({@code true}|{@code false}) and {@value #FALLBACK_KEY}. Every other {@code
 * x-keel-*} header is stripped too. Immutable values; the builder is not thread-safe.
 */
public final class KeelCall {

    public static final String BUDGET = "X-Keel-Budget";
    public static final String IDEMPOTENCY_KEY = "X-Keel-Idempotency-Key";
    public static final String TRAFFIC_CLASS = "X-Keel-Traffic-Class";
    public static final String CRITICAL = "X-Keel-Critical";
    public static final String FALLBACK_KEY = "X-Keel-Fallback-Key";

    /** The prefix of every header keel consumes and never sends upstream (lower case). */
    static final String PREFIX = "x-keel-";

    private KeelCall() {}

    /** A builder of the headers for one call. */
    public static Builder options() {
        return new Builder();
    }

    /**
     * The call options {@code headers} (lower-case names) ask for, on top of {@link
     * CallOptions#defaults()}; {@code sdkIdempotencyKey} (the SDK's own {@code Idempotency-Key}, or
     * null) is used when {@value #IDEMPOTENCY_KEY} is absent.
     *
     * @throws IllegalArgumentException naming the header, its value and what it accepts, when a
     *     value cannot be read
     */
    static CallOptions read(Map<String, List<String>> headers, String sdkIdempotencyKey) {
        CallOptions o = CallOptions.defaults();
        String budget = first(headers, BUDGET);
        if (budget != null) {
            o = o.withBudget(parse(BUDGET, budget, KeelCall::duration, "a positive duration such as 5s, 500ms, 2m"));
        }
        String key = first(headers, IDEMPOTENCY_KEY);
        key = key != null ? key : sdkIdempotencyKey;
        if (key != null) {
            o = o.withIdempotencyKey(parse(IDEMPOTENCY_KEY, key, k -> k, "a non-blank key"));
        }
        String traffic = first(headers, TRAFFIC_CLASS);
        if (traffic != null) {
            o = o.withTrafficClass(parse(
                    TRAFFIC_CLASS, traffic, t -> TrafficClass.valueOf(t.toUpperCase(Locale.ROOT)), "online or batch"));
        }
        String critical = first(headers, CRITICAL);
        if (critical != null) {
            o = o.withCritical(parse(CRITICAL, critical, KeelCall::bool, "true or false"));
        }
        String fallback = first(headers, FALLBACK_KEY);
        if (fallback != null) {
            o = o.withFallbackKey(parse(FALLBACK_KEY, fallback, k -> k, "a non-blank key"));
        }
        return o;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0).strip();
    }

    private static <T> T parse(String header, String value, Function<String, T> reader, String accepted) {
        try {
            T t = reader.apply(value);
            return switch (t) {
                case Duration d when d.isZero() || d.isNegative() -> throw new IllegalArgumentException("not positive");
                case String s when s.isBlank() -> throw new IllegalArgumentException("blank");
                default -> t;
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "request header " + header + ": '" + value + "' is not " + accepted
                            + "; fix the value given to KeelCall.options() or the SDK's additional headers",
                    e);
        }
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    /** {@code 5s}, {@code 500ms}, {@code 2m}, or ISO-8601 such as {@code PT5S}. */
    static Duration duration(String v) {
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

    /** Builds the headers of one call's keel options; unset options send no header. Not thread-safe. */
    public static final class Builder {
        private final Headers.Builder headers = Headers.builder();

        private Builder() {}

        /** The business budget of this call (keel's deadline), instead of the client's. */
        public Builder budget(Duration budget) {
            if (budget.isZero() || budget.isNegative()) {
                throw new IllegalArgumentException("a call's budget must be positive, got " + budget);
            }
            headers.replace(BUDGET, budget.toMillis() + "ms");
            return this;
        }

        /** Sent upstream as {@code Idempotency-Key} on every attempt of this call. */
        public Builder idempotencyKey(String key) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("an idempotency key must not be blank");
            }
            headers.replace(IDEMPOTENCY_KEY, key);
            return this;
        }

        /** Which traffic this call is; it must match the keel client's. */
        public Builder trafficClass(TrafficClass c) {
            headers.replace(TRAFFIC_CLASS, c.name().toLowerCase(Locale.ROOT));
            return this;
        }

        /** Whether the caller needs the real answer (default true); see {@link CallOptions#critical()}. */
        public Builder critical(boolean critical) {
            headers.replace(CRITICAL, Boolean.toString(critical));
            return this;
        }

        /** Keeps the last good answer under {@code key}; see {@link CallOptions#fallbackKey()}. */
        public Builder fallbackKey(String key) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("a fallback key must not be blank");
            }
            headers.replace(FALLBACK_KEY, key);
            return this;
        }

        /** The headers, for the SDK's {@code additionalHeaders(...)} / {@code putAllAdditionalHeaders(...)}. */
        public Headers build() {
            return headers.build();
        }
    }
}
