package dev.keel.core.error;

import java.time.Duration;

/** The call's business budget ran out before it finished. Immutable. */
public final class DeadlineExceededException extends KeelException {

    private static final long serialVersionUID = 1L;

    public DeadlineExceededException(String what, Duration budget, int attempts, Throwable cause) {
        super(KeelException.of(
                        ErrorKind.DEADLINE_EXCEEDED,
                        what + ": the call's budget of " + budget.toMillis() + " ms ran out after " + attempts
                                + " attempt(s). Raise the business timeout or reduce the work per call.")
                .attempts(attempts)
                .cause(cause));
    }

    private DeadlineExceededException(KeelException.Builder b) {
        super(b);
    }

    /** A copy that records {@code attempts}, keeping this subtype, its trace and its suppressed failures. */
    @Override
    public DeadlineExceededException withAttempts(int attempts) {
        return keepTrace(new DeadlineExceededException(toBuilder().attempts(attempts)));
    }
}
