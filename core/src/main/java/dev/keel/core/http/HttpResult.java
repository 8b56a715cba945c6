package dev.keel.core.http;

import dev.keel.core.internal.http.HeaderView;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The upstream's answer to one attempt: status, headers, the body (or, for a stream, the body's
 * input stream), the protocol spoken and where the time went. Immutable, except that a streaming
 * body is consumed once; {@link #close()} ends a stream and runs any release hooks.
 *
 * @param headers header names in lower case
 * @param body the whole body; empty for a stream
 * @param stream the body as it arrives, for streams; null otherwise
 * @param protocol {@code HTTP/1.1} or {@code HTTP/2.0}
 * @param attempts how many upstream attempts the call made (filled in by the pipeline)
 * @param source where the answer came from: the upstream, or a fallback while the breaker was open
 * @param onStreamEnd hears how a stream's body ended ({@link #streamEnded}); null when nobody listens
 */
public record HttpResult(
        int status,
        Map<String, List<String>> headers,
        byte[] body,
        InputStream stream,
        String protocol,
        PhaseTimings timings,
        int attempts,
        AutoCloseable onClose,
        ResultSource source,
        Consumer<StreamOutcome> onStreamEnd)
        implements AutoCloseable {

    public HttpResult {
        headers = headers instanceof HeaderView ? headers : Map.copyOf(headers);
        if (source == null) {
            source = ResultSource.UPSTREAM;
        }
    }

    /** An answer from the upstream. */
    public HttpResult(
            int status,
            Map<String, List<String>> headers,
            byte[] body,
            InputStream stream,
            String protocol,
            PhaseTimings timings,
            int attempts,
            AutoCloseable onClose) {
        this(status, headers, body, stream, protocol, timings, attempts, onClose, ResultSource.UPSTREAM, null);
    }

    /** A buffered JSON answer served by a fallback instead of the upstream (no attempt, no timings). */
    public static HttpResult served(ResultSource source, int status, Map<String, List<String>> headers, byte[] body) {
        return new HttpResult(status, headers, body, null, null, null, 0, null, source, null);
    }

    /** Whether this is not the upstream's answer to this call (a fallback served it): tell the user. */
    public boolean partial() {
        return source.partial();
    }

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        if (headers instanceof HeaderView view) {
            return view.first(name);
        }
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The upstream's {@code x-request-id}, or null. */
    public String requestId() {
        return header("x-request-id");
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** A copy that also runs {@code hook} on close (after the existing hooks). */
    public HttpResult withCloseHook(AutoCloseable hook) {
        AutoCloseable previous = onClose;
        AutoCloseable both = () -> {
            try {
                if (previous != null) {
                    previous.close();
                }
            } finally {
                hook.close();
            }
        };
        return new HttpResult(status, headers, body, stream, protocol, timings, attempts, both, source, onStreamEnd);
    }

    /** A copy that records the call's attempt count. */
    public HttpResult withAttempts(int n) {
        return new HttpResult(status, headers, body, stream, protocol, timings, n, onClose, source, onStreamEnd);
    }

    /** A copy whose stream reader reports how the stream ended to {@code hook} (replacing any earlier one). */
    public HttpResult withStreamEnd(Consumer<StreamOutcome> hook) {
        return new HttpResult(status, headers, body, stream, protocol, timings, attempts, onClose, source, hook);
    }

    /**
     * Reports how this answer's stream ended; the stream's reader ({@link dev.keel.core.api.EventStream})
     * calls it once, before closing. Does nothing when nobody listens.
     */
    public void streamEnded(StreamOutcome outcome) {
        if (onStreamEnd != null) {
            onStreamEnd.accept(outcome);
        }
    }

    /** Ends a stream and runs the release hooks; harmless for buffered answers. */
    @Override
    public void close() {
        try {
            if (stream != null) {
                stream.close();
            }
            if (onClose != null) {
                onClose.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing the response failed: " + e.getMessage(), e);
        }
    }
}
