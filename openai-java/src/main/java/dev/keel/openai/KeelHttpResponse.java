package dev.keel.openai;

import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponse;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An answer handed to the SDK: a successful {@link HttpResult} (buffered, or a stream read as it
 * arrives), or the upstream's final error answer after keel's retry layer gave up — its status,
 * headers and body as the upstream sent them, so the SDK raises its own typed exception ({@code
 * RateLimitException}, {@code InternalServerException}, …). A fallback's answer carries {@value
 * #PARTIAL}: {@code true}. Headers are converted to the SDK's on first use. Not thread-safe; close it
 * when done.
 */
final class KeelHttpResponse implements HttpResponse {

    /** The response header telling SDK code a fallback served the answer while the breaker was open. */
    static final String PARTIAL = "x-keel-partial";

    private final int status;
    /** Built from {@link #source} when the SDK first asks (it reads them for errors, rarely for successes). */
    private Headers headers;

    private final Map<String, List<String>> source;
    private final boolean partial;
    private final InputStream body;
    private final AutoCloseable release;

    private KeelHttpResponse(
            int status, Map<String, List<String>> source, boolean partial, InputStream body, AutoCloseable release) {
        this.status = status;
        this.source = source;
        this.partial = partial;
        this.body = body;
        this.release = release;
    }

    /** A successful answer; a stream's body is {@code stream} (the result's stream, metered). */
    static KeelHttpResponse of(HttpResult r, InputStream stream) {
        InputStream body = stream != null ? stream : new ByteArrayInputStream(r.body());
        return new KeelHttpResponse(r.status(), r.headers(), r.partial(), body, stream != null ? stream : r);
    }

    /** The upstream's error answer kept on {@code e} (status, headers, body). */
    static KeelHttpResponse failed(KeelException e) {
        String raw = e.rawBody();
        byte[] body = raw == null ? new byte[0] : raw.getBytes(StandardCharsets.UTF_8);
        return new KeelHttpResponse(e.status(), e.headers(), false, new ByteArrayInputStream(body), null);
    }

    private static Headers.Builder headers(Map<String, List<String>> from) {
        Headers.Builder h = Headers.builder();
        if (from == null) {
            return h;
        }
        from.forEach((name, values) -> {
            if (!name.equals("content-length")) { // the body may be the text keel kept, not the bytes sent
                h.put(name, values);
            }
        });
        return h;
    }

    @Override
    public int statusCode() {
        return status;
    }

    @Override
    public Headers headers() {
        Headers h = headers;
        if (h == null) {
            Headers.Builder b = headers(source);
            if (partial) {
                b.replace(PARTIAL, "true");
            }
            h = b.build();
            headers = h;
        }
        return h;
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public void close() {
        try {
            if (release != null) {
                release.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing the answer failed: " + e.getMessage(), e);
        }
    }
}
