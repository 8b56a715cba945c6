package dev.keel.core.error;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Maps an HTTP status with its OpenAI error code, or an I/O failure, to an {@link ErrorKind}. The one
 * place that knows which answers are worth another attempt. Stateless and thread-safe.
 */
public final class ErrorClassifier {

    /** 429 codes that waiting cannot fix. */
    static final Set<String> HARD_QUOTA = Set.of("insufficient_quota", "billing_hard_limit_reached", "quota_exceeded");

    private ErrorClassifier() {}

    /** The kind of a non-2xx answer. */
    public static ErrorKind ofStatus(int status, String errorCode) {
        return switch (status) {
            case 429 ->
                errorCode != null && HARD_QUOTA.contains(errorCode)
                        ? ErrorKind.QUOTA_EXHAUSTED
                        : ErrorKind.RATE_LIMITED;
            case 408, 409 -> ErrorKind.TRANSIENT_CONFLICT;
            case 401, 403 -> ErrorKind.AUTH;
            case 404 -> ErrorKind.NOT_FOUND;
            default -> status >= 500 ? ErrorKind.SERVER_ERROR : ErrorKind.INVALID_REQUEST;
        };
    }

    /** The kind of a failure with no answer: a timeout or a network error. */
    public static ErrorKind ofFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return ErrorKind.TIMEOUT;
            }
            if (t instanceof ConnectException
                    || t instanceof SocketException
                    || t instanceof EOFException
                    || t instanceof ClosedChannelException) {
                return ErrorKind.NETWORK;
            }
        }
        return ErrorKind.NETWORK;
    }
}
