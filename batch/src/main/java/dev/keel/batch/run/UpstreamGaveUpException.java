package dev.keel.batch.run;

import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;

/**
 * A run stopped waiting for an upstream it could not get through to for {@code --give-up-after}:
 * its kind is that of the last failure (a network error, a timeout, 429, 5xx — the "upstream
 * unavailable" class, exit 3 on the command line), and the run is left resumable. Immutable.
 */
public final class UpstreamGaveUpException extends KeelException {

    private static final long serialVersionUID = 1L;

    UpstreamGaveUpException(ErrorKind kind, String message, KeelException last) {
        super(KeelException.of(kind, message)
                .status(last.status())
                .requestId(last.requestId())
                .errorCode(last.errorCode())
                .attempts(last.attempts())
                .cause(last));
    }

    private UpstreamGaveUpException(KeelException.Builder b) {
        super(b);
    }

    /** A copy that records {@code attempts}, keeping this subtype, its trace and its suppressed failures. */
    @Override
    public UpstreamGaveUpException withAttempts(int attempts) {
        return keepTrace(new UpstreamGaveUpException(toBuilder().attempts(attempts)));
    }
}
