package dev.keel.gateway;

import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.http.PoolConfig;
import dev.keel.emulator.Emulator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Helpers shared by the gateway's tests: keys, a gateway in front of an emulator, a raw HTTP client. */
final class GatewayFixture {

    static final String UPSTREAM_KEY = "upstream-key-never-leaks-7f3a9c-test";

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * One client per gateway: a gateway started later on a port an earlier one used must not be sent
     * a request over a pooled connection the earlier one closed.
     */
    private static final java.util.Map<Object, HttpClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static HttpClient http(Object target) {
        return CLIENTS.computeIfAbsent(
                target,
                t -> HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(30))
                        .build());
    }

    private GatewayFixture() {}

    /** A fresh secret and its stored key. */
    record Issued(String secret, GatewayKey key) {}

    static Issued issue(String id, KeyLimits limits) {
        String secret = GatewayKeys.newSecret(RANDOM);
        return new Issued(
                secret, new GatewayKey(id, GatewayKeys.sha256(secret), "team-" + id, "user-" + id, limits, false));
    }

    /** A client config for the emulator with the upstream key and h2c, as sandbox mode uses. */
    static KeelClient.Builder client(Emulator emulator, PrometheusMeterRegistry registry) {
        return KeelClient.builder(KeelClientConfig.builder(UPSTREAM_KEY, emulator.baseUrl())
                        .pool(PoolConfig.ofDefaults().withH2c(true))
                        .build())
                .meterRegistry(registry);
    }

    static Gateway start(
            Emulator emulator, GatewayKeys keys, GatewaySettings settings, UnaryOperator<Gateway.Builder> tune) {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return tune.apply(Gateway.builder(settings, keys, client(emulator, registry)))
                .start();
    }

    static HttpResponse<String> post(Gateway g, String path, String secret, String json, String... headers) {
        var b = HttpRequest.newBuilder(URI.create(g.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (secret != null) {
            b.header("Authorization", "Bearer " + secret);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(g, b.build());
    }

    static HttpResponse<String> get(Gateway g, String path, String secret) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path))
                .timeout(Duration.ofSeconds(30));
        if (secret != null) {
            b.header("Authorization", "Bearer " + secret);
        }
        return send(g, b.GET().build());
    }

    /** Sends {@code r} with the client kept for {@code target} (a gateway, an emulator, any key). */
    static HttpResponse<String> send(Object target, HttpRequest r) {
        try {
            return http(target).send(r, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
