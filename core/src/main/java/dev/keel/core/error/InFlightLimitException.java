package dev.keel.core.error;

import java.time.Duration;

/** The in-flight limit stayed full for all the time the call had left; no upstream call was made. Immutable. */
public final class InFlightLimitException extends KeelException {

    private static final long serialVersionUID = 1L;

    public InFlightLimitException(int limit, Duration waited) {
        super(
                ErrorKind.IN_FLIGHT_LIMIT,
                "in-flight limit of " + limit + " calls reached; waited " + waited.toMillis()
                        + " ms (all the time the call had left). Lower the load, raise the limit, or give calls a longer budget.",
                0,
                null,
                null,
                0,
                null);
    }
}
