package dev.keel.core.error;

import java.time.Duration;

/** The in-flight limit stayed full for all the time the call had left; no upstream call was made. Immutable. */
public final class InFlightLimitException extends KeelException {

    private static final long serialVersionUID = 1L;

    public InFlightLimitException(int limit, Duration waited) {
        super(
                KeelException.of(
                        ErrorKind.IN_FLIGHT_LIMIT,
                        "in-flight limit of " + limit + " calls reached; waited " + waited.toMillis()
                                + " ms (all the time the call had left). Lower the load, raise the limit, or give calls a longer budget."));
    }

    private InFlightLimitException(KeelException.Builder b) {
        super(b);
    }

    /** A copy that records {@code attempts}, keeping this subtype, its trace and its suppressed failures. */
    @Override
    public InFlightLimitException withAttempts(int attempts) {
        return keepTrace(new InFlightLimitException(toBuilder().attempts(attempts)));
    }
}
