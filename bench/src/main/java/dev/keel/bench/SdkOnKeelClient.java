package dev.keel.bench;

import com.openai.client.OpenAIClient;
import com.openai.models.responses.ResponseCreateParams;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.openai.KeelOpenAI;
import java.net.URI;

/**
 * The official OpenAI Java SDK on keel ({@code KeelOpenAI.client(keel)}): every send is the same
 * {@code responses().create(params)} as {@link OpenAiJavaClient}, typed answer included, but the
 * SDK's transport is keel's pipeline — the same {@link KeelClient} set-up as {@link
 * KeelPipelineClient} (h2c, in-flight limit 1024, keel's defaults otherwise). Thread-safe.
 */
final class SdkOnKeelClient implements ClientUnderTest {

    private static final int IN_FLIGHT_LIMIT = 1024;

    private final KeelClient keel;
    private final OpenAIClient client;
    private final ResponseCreateParams params = ResponseCreateParams.builder()
            .model("gpt-4.1-mini")
            .input("Say hello")
            .store(false)
            .build();

    private SdkOnKeelClient(KeelClient keel) {
        this.keel = keel;
        this.client = KeelOpenAI.client(keel);
    }

    /** Builds keel's client for the emulator at {@code baseUrl} and the SDK on it. */
    static SdkOnKeelClient open(URI baseUrl) {
        var config = KeelClientConfig.builder(API_KEY, baseUrl)
                .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                .inFlightLimit(IN_FLIGHT_LIMIT)
                .build();
        return new SdkOnKeelClient(KeelClient.builder(config).build());
    }

    @Override
    public String name() {
        return "sdk-on-keel";
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
            return "HTTP/2.0";
        } catch (RuntimeException e) {
            throw new IllegalStateException("sdk-on-keel: the first request failed: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
            keel.close();
        } catch (RuntimeException e) {
            System.err.println("keel-bench client: closing sdk-on-keel failed: " + e);
        }
    }
}
