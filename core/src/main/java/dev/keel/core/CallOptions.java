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
 * @param critical whether the caller needs this call's real result (non-critical calls may be
 *     skipped or served a fallback while the upstream is failing)
 */
public record CallOptions(Duration budget, String idempotencyKey, TrafficClass trafficClass, boolean critical) {

    /** @throws IllegalArgumentException for a non-positive budget or a blank idempotency key */
    public CallOptions {
        if (budget != null && (budget.isZero() || budget.isNegative())) {
            throw new IllegalArgumentException("a call's budget must be positive, got " + budget);
        }
        if (idempotencyKey != null && idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("an idempotency key must not be blank; leave it null to send none");
        }
        if (trafficClass == null) {
            trafficClass = TrafficClass.ONLINE;
        }
    }

    /** The client's budget, no idempotency key, online, critical. */
    public static CallOptions defaults() {
        return new CallOptions(null, null, TrafficClass.ONLINE, true);
    }

    public CallOptions withBudget(Duration b) {
        return new CallOptions(b, idempotencyKey, trafficClass, critical);
    }

    public CallOptions withIdempotencyKey(String key) {
        return new CallOptions(budget, key, trafficClass, critical);
    }

    public CallOptions withTrafficClass(TrafficClass c) {
        return new CallOptions(budget, idempotencyKey, c, critical);
    }

    public CallOptions withCritical(boolean c) {
        return new CallOptions(budget, idempotencyKey, trafficClass, c);
    }
}
