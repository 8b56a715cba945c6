package dev.keel.gateway;

import io.opentelemetry.context.propagation.TextMapGetter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * One client request and its answer, on Jetty's core API (no servlet layer): what the {@link
 * Forwarder} reads of the request and how it writes the answer. Reads and writes block the calling
 * thread (a virtual thread of its own, or one of the pool's). A buffered answer leaves in one write
 * (headers and body together, {@link #send}); a stream is sent as it is written ({@link #stream}).
 * Used by one thread at a time.
 */
final class Exchange {

    /** Reads a request's propagation headers (Jetty's header lookup ignores case). */
    static final TextMapGetter<Exchange> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Exchange ex) {
            return ex.request.getHeaders().getFieldNamesCollection();
        }

        @Override
        public String get(Exchange ex, String key) {
            return ex == null ? null : ex.header(key);
        }
    };

    private final Request request;
    private final Response response;
    private OutputStream stream;

    Exchange(Request request, Response response) {
        this.request = request;
        this.response = response;
    }

    String method() {
        return request.getMethod();
    }

    /** The path as the client sent it (not decoded), without the query. */
    String path() {
        return request.getHttpURI().getPath();
    }

    /** The query as the client sent it, or null. */
    String query() {
        return request.getHttpURI().getQuery();
    }

    /** The first value of a request header (any case), or null. */
    String header(String name) {
        return request.getHeaders().get(name);
    }

    /** Every request header by lower-case name, in the order they came, each value as sent. */
    Map<String, List<String>> headers() {
        var m = new LinkedHashMap<String, List<String>>();
        for (HttpField f : request.getHeaders()) {
            m.computeIfAbsent(f.getLowerCaseName(), k -> new ArrayList<>(1)).add(f.getValue());
        }
        return m;
    }

    /** The declared {@code Content-Length}, or -1 when none was declared. */
    long declaredLength() {
        return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    }

    String contentType() {
        return request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    }

    /** The request body as it arrives; a read that stalls past the idle timeout fails. */
    InputStream body() {
        return Content.Source.asInputStream(request);
    }

    void status(int status) {
        response.setStatus(status);
    }

    /** Sets an answer header, replacing any of that name. */
    void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** Adds an answer header beside any of that name. */
    void addHeader(String name, String value) {
        response.getHeaders().add(name, value);
    }

    /** The answer header of that name set so far, or null. */
    String answerHeader(String name) {
        return response.getHeaders().get(name);
    }

    void contentType(String value) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, value);
    }

    /** Whether the answer's headers have left (nothing about the status or headers can change). */
    boolean committed() {
        return response.isCommitted();
    }

    /** Sends the whole answer, headers and body, in one last write, and waits for it to leave. */
    void send(byte[] body) throws IOException {
        HttpFields.Mutable h = response.getHeaders();
        h.put(HttpHeader.CONTENT_LENGTH, Long.toString(body.length));
        Content.Sink.write(response, true, ByteBuffer.wrap(body));
    }

    /**
     * The answer as a stream: each {@code write} is sent as it is made ({@code flush} sends the headers
     * alone); ends when the request is done. Same stream on every call.
     */
    OutputStream stream() {
        if (stream == null) {
            stream = Content.Sink.asOutputStream(response);
        }
        return stream;
    }

    @Override
    public String toString() {
        return request.getMethod() + " " + path();
    }
}
