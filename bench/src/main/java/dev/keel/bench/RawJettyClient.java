package dev.keel.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;

/**
 * The floor keel is compared against: a bare Jetty 12 {@link HttpClient} set up as keel's transport
 * (dynamic transport, HTTP/2 first then HTTP/1.1, so prior-knowledge h2c to {@code http://}; 256
 * connections per destination), with nothing around the send. Thread-safe.
 */
final class RawJettyClient implements ClientUnderTest {

    private static final int MAX_CONNECTIONS = 256;
    private static final byte[] BODY_BYTES = BODY.getBytes(StandardCharsets.UTF_8);

    private final HttpClient client;
    private final URI uri;
    private final String apiKey;
    private final String name;

    private RawJettyClient(HttpClient client, URI uri, String apiKey, String name) {
        this.client = client;
        this.uri = uri;
        this.apiKey = apiKey;
        this.name = name;
    }

    /** Starts a client for the emulator at {@code baseUrl}. */
    static RawJettyClient open(URI baseUrl) {
        return open(baseUrl, API_KEY, "raw-jetty");
    }

    /** Starts a client for the server at {@code baseUrl}, sending {@code apiKey}, reported as {@code name}. */
    static RawJettyClient open(URI baseUrl, String apiKey, String name) {
        return open(baseUrl, apiKey, name, false);
    }

    /**
     * As {@link #open(URI, String, String)}; with {@code http1} the client speaks HTTP/1.1 only (a
     * connection per request in flight, as most non-JVM SDKs do) instead of prior-knowledge h2c.
     */
    static RawJettyClient open(URI baseUrl, String apiKey, String name, boolean http1) {
        var connector = new ClientConnector();
        var client = http1
                ? new HttpClient(new HttpClientTransportDynamic(connector, HttpClientConnectionFactory.HTTP11))
                : new HttpClient(new HttpClientTransportDynamic(
                        connector,
                        new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)),
                        HttpClientConnectionFactory.HTTP11));
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        client.setMaxRequestsQueuedPerDestination(MAX_CONNECTIONS * 16);
        client.setFollowRedirects(false);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("raw-jetty: could not start the HTTP client: " + e, e);
        }
        return new RawJettyClient(client, ClientUnderTest.responsesUri(baseUrl), apiKey, name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int send() throws Exception {
        return post().getStatus();
    }

    @Override
    public String preflight() throws InterruptedException {
        ContentResponse r;
        try {
            r = post();
        } catch (ExecutionException e) {
            throw new IllegalStateException("raw-jetty: the first request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("raw-jetty: the first request failed: " + e, e);
        }
        if (r.getStatus() / 100 != 2) {
            throw new IllegalStateException(
                    "raw-jetty: the emulator answered HTTP " + r.getStatus() + ": " + r.getContentAsString());
        }
        return r.getVersion().asString();
    }

    private ContentResponse post() throws InterruptedException, ExecutionException, TimeoutException {
        return client.POST(uri)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + apiKey))
                .body(new BytesRequestContent("application/json", BODY_BYTES))
                .timeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .send();
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            System.err.println("keel-bench client: stopping raw-jetty failed: " + e);
        }
    }
}
