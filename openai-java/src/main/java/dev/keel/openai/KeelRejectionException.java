package dev.keel.openai;

import com.openai.errors.OpenAIException;
import dev.keel.core.error.KeelException;

/**
 * keel refused or could not finish an SDK call before any upstream answer it could hand back: the
 * circuit breaker is open, the in-flight limit or the call's budget ran out, the connection failed
 * or timed out. An {@link OpenAIException}, so SDK code that catches the SDK's errors catches it;
 * {@link #getCause()} is keel's typed exception ({@code CircuitOpenException}, {@code
 * DeadlineExceededException}, {@code InFlightLimitException}, or a {@link KeelException} of kind
 * {@code NETWORK}/{@code TIMEOUT}). Immutable.
 */
public final class KeelRejectionException extends OpenAIException {

    private static final long serialVersionUID = 1L;

    KeelRejectionException(KeelException cause) {
        super(cause.getMessage(), cause);
    }

    /** keel's exception: its kind, attempts and, for a breaker, when it may close. */
    public KeelException keel() {
        return (KeelException) getCause();
    }
}
