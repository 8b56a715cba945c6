package dev.keel.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.OpenAIClientAsyncImpl;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import dev.keel.core.KeelClient;

/**
 * The one line that puts keel under the official SDK:
 *
 * <pre>{@code
 * OpenAIClient openai = KeelOpenAI.client(keelClient);
 * Response r = openai.responses().create(ResponseCreateParams.builder().model("gpt-4.1-mini").input("Hi").build());
 * }</pre>
 *
 * The SDK's transport is a {@link KeelHttpClient} on {@code keel}, its own retries are off
 * ({@code maxRetries(0)}: keel's retry layer is the only one), and its base URL is keel's. The API
 * key and organization/project are keel's: the SDK is given a placeholder key that never goes on
 * the wire, so the secret lives in one place. Closing the SDK client leaves {@code keel} open.
 * Thread-safe, like the clients it builds.
 */
public final class KeelOpenAI {

    /** What the SDK holds as its API key; keel strips its Authorization header and sends its own. */
    static final String PLACEHOLDER_KEY = "keel-managed";

    private KeelOpenAI() {}

    /** A blocking SDK client on {@code keel}. */
    public static OpenAIClient client(KeelClient keel) {
        return new OpenAIClientImpl(options(keel).build());
    }

    /** An asynchronous SDK client on {@code keel}; its calls run on virtual threads. */
    public static OpenAIClientAsync asyncClient(KeelClient keel) {
        return new OpenAIClientAsyncImpl(options(keel).build());
    }

    /**
     * The SDK's options on {@code keel}, to adjust before {@code build()} (e.g. default headers);
     * keep {@code maxRetries(0)}, or the SDK retries on top of keel (warned and counted).
     */
    public static ClientOptions.Builder options(KeelClient keel) {
        return ClientOptions.builder()
                .httpClient(new KeelHttpClient(keel))
                .baseUrl(keel.config().baseUrl().toString())
                .apiKey(PLACEHOLDER_KEY)
                .maxRetries(0);
    }
}
