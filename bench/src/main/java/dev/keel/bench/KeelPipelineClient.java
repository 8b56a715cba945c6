package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.KeelResponse;
import dev.keel.wire.json.Json;
import java.net.URI;

/**
 * keel's full client: every send is {@code responses().create(body, CallOptions.defaults())}
 * through the whole call pipeline (observe, deadline, in-flight permit, degrade check, attempt
 * timeout, Jetty HTTP/2 transport), with an in-flight limit of 1024 so the permits never throttle
 * the load. The answer's raw bytes are not parsed. Thread-safe.
 */
final class KeelPipelineClient implements ClientUnderTest {

    private static final int IN_FLIGHT_LIMIT = 1024;

    private final KeelClient client;
    private final JsonNode body = Json.parse(BODY);

    private KeelPipelineClient(KeelClient client) {
        this.client = client;
    }

    /** Builds a client for the emulator at {@code baseUrl}, with keel's defaults otherwise. */
    static KeelPipelineClient open(URI baseUrl) {
        var config = KeelClientConfig.builder(API_KEY, baseUrl)
                .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                .inFlightLimit(IN_FLIGHT_LIMIT)
                .build();
        return new KeelPipelineClient(KeelClient.builder(config).build());
    }

    @Override
    public String name() {
        return "keel";
    }

    /** Returns the status; a non-2xx answer or a failure leaves as a {@code KeelException}. */
    @Override
    public int send() {
        return create().status();
    }

    @Override
    public String preflight() {
        try {
            return create().protocol();
        } catch (RuntimeException e) {
            throw new IllegalStateException("keel: the first request failed: " + e, e);
        }
    }

    private KeelResponse create() {
        return client.responses().create(body, CallOptions.defaults());
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException e) {
            System.err.println("keel-bench client: closing keel failed: " + e);
        }
    }
}
