package dev.keel.core;

import java.time.Duration;

/**
 * Per-call choices. Immutable.
 *
 * @param budget the business budget for this call; null takes the client's ({@code
 *     businessTimeout}, default 30 s)
 * @param idempotencyKey sent as {@code Idempotency-Key} on every attempt; null sends none
 * @param trafficClass which traffic this call is; must match the client's (batch work uses its own
 *     client so it never starves online calls)
 * @param critical whether the caller needs this call's real result: a non-critical call that meets
 *     an open circuit breaker is served a fallback (the last known good answer for its {@code
 *     fallbackKey}, else a registered fallback) flagged partial; a critical one fails with {@code
 *     CircuitOpenException}
 * @param fallbackKey what the answer is about, e.g. {@code summary:customer-42}: each successful
 *     buffered answer is kept under it (bounded, with a TTL) as the last known good answer for
 *     non-critical calls with the same key while the breaker is open; null keeps nothing
 * @param maxAttempts at most this many attempts for this call, the first included, below the
 *     client's retry limit (1: no retry, e.g. a create that must be reconciled rather than repeated);
 *     null keeps the client's
 * @param perCallTimeout one attempt's cap for this call instead of the client's (e.g. 15 minutes
 *     for a flex request, which answers slowly); still cut by the call's budget; null keeps the
 *     client's
 */
public record CallOptions(
        Duration budget,
        String idempotencyKey,
        TrafficClass trafficClass,
        boolean critical,
        String fallbackKey,
        Integer maxAttempts,
        Duration perCallTimeout) {

    /** Options without a per-call timeout of their own (the client's applies). */
    public CallOptions(
            Duration budget,
            String idempotencyKey,
            TrafficClass trafficClass,
            boolean critical,
            String fallbackKey,
            Integer maxAttempts) {
        this(budget, idempotencyKey, trafficClass, critical, fallbackKey, maxAttempts, null);
    }

    /**
     * @throws IllegalArgumentException for a non-positive budget or attempt limit, or a blank
     *     idempotency or fallback key
     */
    public CallOptions {
        if (budget != null && (budget.isZero() || budget.isNegative())) {
            throw new IllegalArgumentException("a call's budget must be positive, got " + budget);
        }
        if (idempotencyKey != null && idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("an idempotency key must not be blank; leave it null to send none");
        }
        if (fallbackKey != null && fallbackKey.isBlank()) {
            throw new IllegalArgumentException("a fallback key must not be blank; leave it null to keep no answer");
        }
        if (maxAttempts != null && maxAttempts < 1) {
            throw new IllegalArgumentException("a call's attempt limit must be at least 1, got " + maxAttempts);
        }
        if (perCallTimeout != null && (perCallTimeout.isZero() || perCallTimeout.isNegative())) {
            throw new IllegalArgumentException("a call's per-call timeout must be positive, got " + perCallTimeout);
        }
        if (trafficClass == null) {
            trafficClass = TrafficClass.ONLINE;
        }
    }

    /** The client's budget, no idempotency key, online, critical, no fallback key. */
    public static CallOptions defaults() {
        return new CallOptions(null, null, TrafficClass.ONLINE, true, null, null, null);
    }

    public CallOptions withBudget(Duration b) {
        return new CallOptions(b, idempotencyKey, trafficClass, critical, fallbackKey, maxAttempts, perCallTimeout);
    }

    public CallOptions withIdempotencyKey(String key) {
        return new CallOptions(budget, key, trafficClass, critical, fallbackKey, maxAttempts, perCallTimeout);
    }

    public CallOptions withTrafficClass(TrafficClass c) {
        return new CallOptions(budget, idempotencyKey, c, critical, fallbackKey, maxAttempts, perCallTimeout);
    }

    public CallOptions withCritical(boolean c) {
        return new CallOptions(budget, idempotencyKey, trafficClass, c, fallbackKey, maxAttempts, perCallTimeout);
    }

    /** The same options keeping (and, when non-critical, falling back to) the last good answer under {@code key}. */
    public CallOptions withFallbackKey(String key) {
        return new CallOptions(budget, idempotencyKey, trafficClass, critical, key, maxAttempts, perCallTimeout);
    }

    /**
     * The same options with at most {@code n} attempts for this call (never more than the client's
     * retry policy allows).
     *
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public CallOptions withMaxAttempts(int n) {
        return new CallOptions(budget, idempotencyKey, trafficClass, critical, fallbackKey, n, perCallTimeout);
    }

    /**
     * The same options with {@code d} as one attempt's cap instead of the client's per-call timeout
     * (the call's budget still bounds it).
     *
     * @throws IllegalArgumentException when {@code d} is not positive
     */
    public CallOptions withPerCallTimeout(Duration d) {
        return new CallOptions(budget, idempotencyKey, trafficClass, critical, fallbackKey, maxAttempts, d);
    }
}
