package dev.keel.bench;

import java.net.URI;
import java.time.Duration;

/**
 * One HTTP client the {@code client} benchmark measures: each {@link #send()} posts the benchmark's
 * body to {@code POST {base}/responses} and reads the whole answer without parsing it (where the
 * client allows), returning the HTTP status. Implementations are thread-safe: the load workers
 * share one instance.
 */
interface ClientUnderTest extends ClosedLoop.Exchange, AutoCloseable {

    /**
     * The request body every client sends. {@code store: false}, as a caller that never retrieves the
     * answer would send: the emulator then keeps nothing per request, so the server's heap stays flat
     * and its collector pauses do not drown the clients' differences.
     */
    String BODY = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\",\"store\":false}";

    /** The API key every client sends; the emulator accepts any. */
    String API_KEY = "sk-bench";

    /** Every client's cap on one request, as keel's default per-call timeout. */
    Duration REQUEST_TIMEOUT = Duration.ofSeconds(25);

    /** The name in the report, e.g. {@code raw-jetty}. */
    String name();

    /**
     * Sends one request before the load so a wrong route, body or protocol fails loudly; returns the
     * protocol the answer came over, e.g. {@code HTTP/2.0}.
     *
     * @throws IllegalStateException when the answer is not 2xx, with what came back
     */
    String preflight() throws InterruptedException;

    /** Closes the client's connections and threads. */
    @Override
    void close();

    /** {@code {base}/responses}. */
    static URI responsesUri(URI baseUrl) {
        return URI.create(baseUrl + "/responses");
    }
}
