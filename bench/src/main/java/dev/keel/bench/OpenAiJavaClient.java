package dev.keel.bench;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.responses.ResponseCreateParams;
import java.net.URI;
import java.time.Duration;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java}) on its OkHttp transport: every send
 * is {@code responses().create(params)}, which also writes the params and reads the answer into a
 * typed {@code Response} (the SDK offers no untyped create). OkHttp speaks cleartext HTTP/1.1 (the
 * SDK exposes no h2c prior knowledge), one connection per request in flight. Thread-safe.
 *
 * <p>Pool: the SDK's default OkHttp pool keeps only 5 idle connections, so at concurrency 64 most
 * connections would be closed after each answer and reopened; this client keeps up to 256 idle for
 * 5 minutes (the SDK's {@code maxIdleConnections} and {@code keepAliveDuration}, which it only
 * accepts together). OkHttp's dispatcher limits (64 requests, 64 per host) bind asynchronous calls
 * only; {@code create} is synchronous and runs on the calling worker, so they do not apply.
 */
final class OpenAiJavaClient implements ClientUnderTest {

    static final int MAX_IDLE_CONNECTIONS = 256;
    static final Duration KEEP_ALIVE = Duration.ofMinutes(5);

    private final OpenAIClient client;
    private final ResponseCreateParams params = ResponseCreateParams.builder()
            .model("gpt-4.1-mini")
            .input("Say hello")
            .store(false)
            .build();

    private OpenAiJavaClient(OpenAIClient client) {
        this.client = client;
    }

    /** Builds an SDK client for the emulator at {@code baseUrl}: no retries, a sized pool. */
    static OpenAiJavaClient open(URI baseUrl) {
        return new OpenAiJavaClient(OpenAIOkHttpClient.builder()
                .apiKey(API_KEY)
                .baseUrl(baseUrl.toString())
                .maxRetries(0)
                .timeout(REQUEST_TIMEOUT)
                .maxIdleConnections(MAX_IDLE_CONNECTIONS)
                .keepAliveDuration(KEEP_ALIVE)
                .build());
    }

    @Override
    public String name() {
        return ClientOverhead.SDK_OKHTTP;
    }

    /** Returns 200: the SDK hands back only 2xx answers and throws for everything else. */
    @Override
    public int send() {
        client.responses().create(params);
        return 200;
    }

    @Override
    public String preflight() {
        try {
            send();
            return "HTTP/1.1";
        } catch (RuntimeException e) {
            throw new IllegalStateException("openai-java: the first request failed: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException e) {
            System.err.println("keel-bench client: closing openai-java failed: " + e);
        }
    }
}
