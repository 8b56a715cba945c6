package dev.keel.openai;

import com.openai.core.http.Headers;
import dev.keel.core.CallHeaders;
import dev.keel.core.CallOptions;
import dev.keel.core.TrafficClass;
import dev.keel.core.http.RawCall;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    public static final String BUDGET = CallHeaders.BUDGET;
    public static final String IDEMPOTENCY_KEY = CallHeaders.IDEMPOTENCY_KEY;
    public static final String TRAFFIC_CLASS = CallHeaders.TRAFFIC_CLASS;
    public static final String CRITICAL = CallHeaders.CRITICAL;
    public static final String FALLBACK_KEY = CallHeaders.FALLBACK_KEY;

    /** The prefix of every header keel consumes and never sends upstream (lower case). */
    static final String PREFIX = RawCall.KEEL_PREFIX;

    private KeelCall() {}

    /** A builder of the headers for one call. */
    public static Builder options() {
        return new Builder();
    }

    /**
     * The call options {@code headers} (lower-case names) ask for ({@link CallHeaders#read}); {@code
     * sdkIdempotencyKey} (the SDK's own {@code Idempotency-Key}, or null) is used when {@value
     * #IDEMPOTENCY_KEY} is absent.
     *
     * @throws IllegalArgumentException naming the header, its value and what it accepts, when a
     *     value cannot be read
     */
    static CallOptions read(Map<String, List<String>> headers, String sdkIdempotencyKey) {
        return CallHeaders.read(
                headers,
                sdkIdempotencyKey,
                "fix the value given to KeelCall.options() or the SDK's additional headers");
    }

    /** {@code 5s}, {@code 500ms}, {@code 2m}, or ISO-8601 such as {@code PT5S}. */
    static Duration duration(String v) {
        return CallHeaders.duration(v);
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
