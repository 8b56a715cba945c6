package dev.keel.core.error;

import java.time.Duration;

/** The circuit breaker for this upstream, endpoint and model is open: no upstream call was made. Immutable. */
public final class CircuitOpenException extends KeelException {

    private static final long serialVersionUID = 1L;

    public CircuitOpenException(String breaker, Duration retryIn, int attempts) {
        super(KeelException.of(
                        ErrorKind.CIRCUIT_OPEN,
                        "circuit open for " + breaker
                                + ": recent calls failed too often, so none go upstream for about "
                                + Math.max(1, retryIn.toSeconds()) + " s more. Serve a fallback or try again later.")
                .attempts(attempts));
    }

    private CircuitOpenException(KeelException.Builder b) {
        super(b);
    }

    /** A copy that records {@code attempts}, keeping this subtype, its trace and its suppressed failures. */
    @Override
    public CircuitOpenException withAttempts(int attempts) {
        return keepTrace(new CircuitOpenException(toBuilder().attempts(attempts)));
    }
}
