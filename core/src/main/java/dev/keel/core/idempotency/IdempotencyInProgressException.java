package dev.keel.core.idempotency;

import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;

/** Another caller still holds this key (PENDING) and did not finish within this call's deadline. Immutable. */
public final class IdempotencyInProgressException extends KeelException {

    private static final long serialVersionUID = 1L;

    public IdempotencyInProgressException(IdempotencyKey key) {
        super(
                KeelException.of(
                        ErrorKind.DEADLINE_EXCEEDED,
                        "the work for " + key + " is still in progress elsewhere and did not finish within this call's"
                                + " deadline; its result will be returned once it is done, so try again later rather than redo it"));
    }

    private IdempotencyInProgressException(KeelException.Builder b) {
        super(b);
    }

    /** A copy that records {@code attempts}, keeping this subtype, its trace and its suppressed failures. */
    @Override
    public IdempotencyInProgressException withAttempts(int attempts) {
        return keepTrace(new IdempotencyInProgressException(toBuilder().attempts(attempts)));
    }
}
