package dev.keel.core.idempotency;

import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;

/**
 * A tool's side effect threw: which key it ran under, and (as the cause) what it threw. The key
 * was released, so a later call with the same key runs the side effect again. Immutable.
 */
public final class ToolExecutionException extends KeelException {

    private static final long serialVersionUID = 1L;

    private final transient IdempotencyKey key;

    public ToolExecutionException(IdempotencyKey key, Throwable cause) {
        super(KeelException.of(
                        ErrorKind.TOOL_FAILED,
                        "the side effect for " + key + " failed: " + describe(cause)
                                + "; its key was released, so a later run will try it again")
                .cause(cause));
        this.key = key;
    }

    /** The key the side effect ran under. */
    public IdempotencyKey key() {
        return key;
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() == null
                ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private ToolExecutionException(KeelException.Builder b, IdempotencyKey key) {
        super(b);
        this.key = key;
    }

    /** A copy that records {@code attempts}, keeping this subtype, its trace and its suppressed failures. */
    @Override
    public ToolExecutionException withAttempts(int attempts) {
        return keepTrace(new ToolExecutionException(toBuilder().attempts(attempts), key));
    }
}
