package dev.keel.core.internal.http;

import dev.keel.core.error.ErrorClassifier;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.PhaseTimings;
import dev.keel.core.http.PoolConfig;
import dev.keel.wire.time.Ticker;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Promise;

/**
 * The one HTTP client of a keel client: Jetty 12 {@link HttpClient} with one pool per destination,
 * h2 preferred by ALPN over TLS with HTTP/1.1 as fallback, HTTP/1.1 over {@code http://} unless the
 * pool says the server speaks prior-knowledge h2c ({@link PoolConfig#h2c()}), and phase timings for
 * every attempt. It runs one attempt with the timeout it is given and never retries.
 * {@link java.io.IOException}s stay inside: failures leave as {@link KeelException} of kind {@link
 * ErrorKind#TIMEOUT} or {@link ErrorKind#NETWORK}. Thread-safe.
 */
public final class JettyTransport implements AutoCloseable {

    private final URI baseUrl;
    private final String base;
    private final PoolConfig pool;
    private final Ticker ticker;
    private final HttpClient client;
    /** Open times of connections no attempt has used yet; the first attempt on one reports them. */
    private final Map<Connection, OpenTimes> freshConnections = new ConcurrentHashMap<>();
    /** Parsed request URIs by path, so the fixed endpoints are not re-parsed on every call; bounded. */
    private final Map<String, URI> uris = new ConcurrentHashMap<>();

    /** Paths remembered in {@link #uris}; paths with ids (files, batches) past this are parsed each time. */
    private static final int URI_CACHE_SIZE = 64;

    /** The context key under which the connector notes when the TCP connection was established. */
    private static final String TCP_CONNECTED = "keel.tcp.connected";

    /** How long a new connection took: TCP connect, and TLS handshake with ALPN (null for cleartext). */
    private record OpenTimes(Duration tcp, Duration tls) {}

    /** @throws IllegalStateException when Jetty cannot start */
    public JettyTransport(URI baseUrl, PoolConfig pool, Ticker ticker) {
        this.baseUrl = baseUrl;
        this.base = baseUrl.toString();
        this.pool = pool;
        this.ticker = ticker;
        ClientConnector connector = connector(pool);
        boolean secure = "https".equals(baseUrl.getScheme());
        this.client = new HttpClient(new TimedTransport(connector, protocols(pool, secure, connector)));
        client.setMaxConnectionsPerDestination(pool.maxConnectionsPerDestination());
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, pool.maxConnectionsPerDestination() * 16));
        client.setIdleTimeout(pool.idleTimeout().toMillis());
        client.setConnectTimeout(pool.connectTimeout().toMillis());
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "keel/" + version()));
        try {
            client.start();
            // An upstream 401 is an answer to classify (AUTH), not an authentication challenge: with
            // the handler start() installs, a 401 lacking WWW-Authenticate fails as a protocol violation.
            client.getProtocolHandlers().remove(org.eclipse.jetty.client.WWWAuthenticationProtocolHandler.NAME);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the HTTP client: " + e.getMessage(), e);
        }
    }

    private ClientConnector connector(PoolConfig pool) {
        var connector = new TimedConnector();
        if (pool.sslContext() != null) {
            var ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Client();
            ssl.setSslContext(pool.sslContext());
            connector.setSslContextFactory(ssl);
        }
        connector.setConnectTimeout(pool.connectTimeout());
        connector.setIdleTimeout(pool.idleTimeout());
        return connector;
    }

    /**
     * The protocols a connection may speak, in order of preference. Over TLS, ALPN offers h2 then
     * HTTP/1.1. Over cleartext Jetty speaks the first one without negotiating, so HTTP/2 is listed
     * only when the server is known to speak h2c: an HTTP/1.1 server answers the HTTP/2 preface with
     * garbage (a frame-size error on the client). One connector is shared by both.
     */
    private static ClientConnectionFactory.Info[] protocols(
            PoolConfig pool, boolean secure, ClientConnector connector) {
        if (!pool.http2() || !secure && !pool.h2c()) {
            return new ClientConnectionFactory.Info[] {HttpClientConnectionFactory.HTTP11};
        }
        var h2 = new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector));
        return new ClientConnectionFactory.Info[] {h2, HttpClientConnectionFactory.HTTP11};
    }

    /**
     * Runs one buffered exchange.
     *
     * @return the answer, whatever its status
     * @throws KeelException of kind TIMEOUT when no full answer came within {@code timeout}, NETWORK
     *     when the connection failed
     */
    public HttpResult execute(HttpCall call, Duration timeout) {
        return execute(call, Map.of(), timeout);
    }

    /**
     * Runs one buffered exchange with {@code extraHeaders} (e.g. the client's identity headers) sent
     * besides the call's own, without copying the call.
     *
     * @return the answer, whatever its status
     * @throws KeelException as {@link #execute(HttpCall, Duration)}
     */
    public HttpResult execute(HttpCall call, Map<String, String> extraHeaders, Duration timeout) {
        var timing = new Timing();
        Request request = newRequest(call, extraHeaders, timeout, timing);
        try {
            ContentResponse r = new TimedResponse(request, pool.maxResponseBytes(), timing)
                    .send()
                    .get();
            return new HttpResult(
                    r.getStatus(),
                    headers(r),
                    r.getContent(),
                    null,
                    r.getVersion().asString(),
                    timing.done(),
                    1,
                    null);
        } catch (ExecutionException e) {
            throw failure(call, timeout, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw failure(call, timeout, e);
        }
    }

    /**
     * Opens a stream: returns once the response headers arrived; the body is read from {@link
     * HttpResult#stream()} and ends (or fails) within {@code timeout} of the start.
     *
     * @throws KeelException as {@link #execute}, for failures before the headers
     */
    public HttpResult open(HttpCall call, Duration timeout) {
        return open(call, Map.of(), timeout);
    }

    /**
     * Opens a stream with {@code extraHeaders} sent besides the call's own.
     *
     * @throws KeelException as {@link #open(HttpCall, Duration)}
     */
    public HttpResult open(HttpCall call, Map<String, String> extraHeaders, Duration timeout) {
        var timing = new Timing();
        Request request = newRequest(call, extraHeaders, timeout, timing)
                .onResponseHeaders(resp -> timing.headers())
                .onResponseContent((resp, buf) -> timing.firstByte());
        var listener = new InputStreamResponseListener();
        request.send(listener);
        try {
            Response r = listener.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            AutoCloseable abort = () -> request.abort(new java.io.IOException("stream closed by the caller"));
            return new HttpResult(
                    r.getStatus(),
                    headers(r),
                    new byte[0],
                    listener.getInputStream(),
                    r.getVersion().asString(),
                    timing.done(),
                    1,
                    abort);
        } catch (ExecutionException e) {
            throw failure(call, timeout, e.getCause());
        } catch (TimeoutException e) {
            request.abort(e);
            throw failure(call, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw failure(call, timeout, e);
        }
    }

    /**
     * A request with its headers, body and timeout, timing its start and the end of its sending; the
     * response phases are timed by the response listener ({@link TimedResponse}, or the stream's).
     */
    private Request newRequest(HttpCall call, Map<String, String> extraHeaders, Duration timeout, Timing timing) {
        Request r = client.newRequest(uri(call.path()))
                .method(call.method())
                .timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        if (!extraHeaders.isEmpty() || !call.headers().isEmpty()) {
            r.headers(h -> {
                extraHeaders.forEach(h::put);
                call.headers().forEach(h::put);
            });
        }
        if (call.body() != null) {
            r.body(new BytesRequestContent(call.contentType(), call.body()));
        }
        r.onRequestBegin(timing);
        r.onRequestSuccess(timing);
        return r;
    }

    private URI uri(String path) {
        URI uri = uris.get(path);
        if (uri == null) {
            uri = URI.create(base + path);
            if (uris.size() < URI_CACHE_SIZE) {
                uris.put(path, uri);
            }
        }
        return uri;
    }

    /**
     * Buffers the answer like its parent and notes when the headers and the first byte of the body
     * arrived. Being the request's only content listener keeps Jetty from demultiplexing the content
     * to several listeners, which a separate timing listener would make it do on every answer.
     */
    private static final class TimedResponse extends CompletableResponseListener {
        private final Timing timing;

        TimedResponse(Request request, int maxLength, Timing timing) {
            super(request, maxLength);
            this.timing = timing;
        }

        @Override
        public void onHeaders(Response response) {
            timing.headers();
            super.onHeaders(response);
        }

        @Override
        public void onContent(Response response, Content.Chunk chunk, Runnable demander) throws Exception {
            if (chunk.hasRemaining()) {
                timing.firstByte();
            }
            super.onContent(response, chunk, demander);
        }
    }

    private static KeelException failure(HttpCall call, Duration timeout, Throwable cause) {
        ErrorKind kind = cause instanceof TimeoutException ? ErrorKind.TIMEOUT : ErrorClassifier.ofFailure(cause);
        String what = kind == ErrorKind.TIMEOUT
                ? "no answer within the attempt timeout of " + timeout.toMillis() + " ms"
                : "the connection failed: " + cause;
        return KeelException.of(kind, call.describe() + ": " + what)
                .attempts(1)
                .cause(cause)
                .build();
    }

    /** The response headers by lower-case name, read lazily from Jetty's fields. */
    private static Map<String, List<String>> headers(Response r) {
        return new HeaderView(r.getHeaders());
    }

    /** Connections open to the base URL's destination now (for tests and diagnostics). */
    public int openConnections() {
        return client.getDestinations().stream()
                .mapToInt(d -> d.getConnectionPool() instanceof org.eclipse.jetty.client.AbstractConnectionPool p
                        ? p.getConnectionCount()
                        : 0)
                .sum();
    }

    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the HTTP client: " + e.getMessage(), e);
        }
    }

    private static String version() {
        String v = JettyTransport.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * One attempt's clock: each phase in nanoseconds from its start, {@link #UNSET} until it happens.
     * Written by Jetty's threads in order, read once by the caller when the attempt is done.
     */
    private final class Timing implements Request.BeginListener, Request.SuccessListener {
        private static final long UNSET = -1;

        private final long start = ticker.read();
        private volatile long queued = UNSET;
        private volatile long sent = UNSET;
        private volatile long headers = UNSET;
        private volatile long firstByte = UNSET;
        private volatile OpenTimes opened;

        private long since() {
            return ticker.read() - start;
        }

        @Override
        public void onBegin(Request request) {
            queued = since();
            Connection connection = request.getConnection();
            opened = connection == null ? null : freshConnections.remove(connection);
        }

        @Override
        public void onSuccess(Request request) {
            sent = since();
        }

        void headers() {
            headers = since();
        }

        void firstByte() {
            if (firstByte == UNSET) {
                firstByte = since();
            }
        }

        PhaseTimings done() {
            OpenTimes o = opened;
            return new PhaseTimings(
                    duration(queued),
                    o == null ? null : o.tcp(),
                    o == null ? null : o.tls(),
                    duration(sent),
                    duration(headers),
                    duration(firstByte),
                    Duration.ofNanos(since()));
        }

        private static Duration duration(long nanos) {
            return nanos == UNSET ? null : Duration.ofNanos(nanos);
        }
    }

    private OpenTimes openTimes(long start, Long tcpConnected, long usable) {
        if (tcpConnected == null) {
            return new OpenTimes(Duration.ofNanos(usable - start), null);
        }
        boolean secure = "https".equals(baseUrl.getScheme());
        return new OpenTimes(
                Duration.ofNanos(tcpConnected - start), secure ? Duration.ofNanos(usable - tcpConnected) : null);
    }

    /** Notes in the connection's context when its TCP connection is established (before any TLS). */
    private final class TimedConnector extends ClientConnector {
        @Override
        protected org.eclipse.jetty.io.Connection newConnection(
                org.eclipse.jetty.io.EndPoint endPoint, Map<String, Object> context) throws java.io.IOException {
            context.put(TCP_CONNECTED, ticker.read());
            return super.newConnection(endPoint, context);
        }
    }

    /** The dynamic transport, also timing each new connection from connect start until it is usable. */
    private final class TimedTransport extends HttpClientTransportDynamic {
        TimedTransport(ClientConnector connector, ClientConnectionFactory.Info... infos) {
            super(connector, infos);
        }

        @Override
        public void connect(SocketAddress address, Map<String, Object> context) {
            long start = ticker.read();
            @SuppressWarnings("unchecked")
            Promise<Connection> promise = (Promise<Connection>) context.get(Connection.PROMISE_CONTEXT_KEY);
            if (promise != null) {
                context.put(Connection.PROMISE_CONTEXT_KEY, new Promise<Connection>() {
                    @Override
                    public void succeeded(Connection c) {
                        freshConnections.put(c, openTimes(start, (Long) context.get(TCP_CONNECTED), ticker.read()));
                        promise.succeeded(c);
                    }

                    @Override
                    public void failed(Throwable x) {
                        promise.failed(x);
                    }
                });
            }
            super.connect(address, context);
        }
    }
}
