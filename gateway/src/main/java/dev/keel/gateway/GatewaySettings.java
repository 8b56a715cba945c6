package dev.keel.gateway;

import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway listens and bounds its clients: one small record, so the {@code gateway:} section
 * of {@code keel.yaml} can be bound onto it later without touching the server. Immutable.
 *
 * @param host the address to bind
 * @param port the port; 0 picks a free one
 * @param maxBodyBytes the largest request body accepted; larger ones get 413 before they are read
 *     whole (from their declared length, or as soon as the bound is passed)
 * @param bodyTimeout how long a client may take to send its body before it gets 408
 * @param defaultOutputTokens the output bound assumed for a generation request that sets none
 *     ({@code max_output_tokens}, {@code max_completion_tokens}, {@code max_tokens}), for the
 *     worst-case cost and token limits
 * @param idempotencyWait how long a duplicate of an in-flight {@code Idempotency-Key} call waits for
 *     the first one's answer before it gets 409
 * @param workerThreads 0: each request on a virtual thread of its own; N: a pool of N platform threads
 *     (each call in flight — a long stream, a duplicate waiting — holds one, and calls past N wait for a
 *     free one; on the Jetty core server it measured no clear latency gain, docs/benchmarks.md)
 */
public record GatewaySettings(
        String host,
        int port,
        int maxBodyBytes,
        Duration bodyTimeout,
        int defaultOutputTokens,
        Duration idempotencyWait,
        int workerThreads) {

    /** @throws IllegalArgumentException naming the setting that is out of range */
    public GatewaySettings {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gateway port must be between 0 and 65535, was " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("gateway max body must be at least 1024 bytes, was " + maxBodyBytes);
        }
        if (bodyTimeout.isZero() || bodyTimeout.isNegative()) {
            throw new IllegalArgumentException("gateway body timeout must be positive, was " + bodyTimeout);
        }
        if (defaultOutputTokens < 1) {
            throw new IllegalArgumentException(
                    "gateway default output tokens must be at least 1, was " + defaultOutputTokens);
        }
        if (workerThreads < 0 || (workerThreads > 0 && workerThreads < 8)) {
            throw new IllegalArgumentException(
                    "gateway worker threads must be 0 (virtual threads) or at least 8, was " + workerThreads);
        }
        if (idempotencyWait.isNegative()) {
            throw new IllegalArgumentException("gateway idempotency wait must not be negative, was " + idempotencyWait);
        }
    }

    /**
     * 127.0.0.1:8788, 32 MiB bodies, 10 s body timeout, 4096 output tokens assumed, 30 s duplicate
     * wait, a virtual thread per request.
     */
    public static GatewaySettings ofDefaults() {
        return new GatewaySettings(
                "127.0.0.1", 8788, 32 * 1024 * 1024, Duration.ofSeconds(10), 4096, Duration.ofSeconds(30), 0);
    }

    public GatewaySettings withPort(int p) {
        return new GatewaySettings(
                host, p, maxBodyBytes, bodyTimeout, defaultOutputTokens, idempotencyWait, workerThreads);
    }

    public GatewaySettings withHost(String h) {
        return new GatewaySettings(
                h, port, maxBodyBytes, bodyTimeout, defaultOutputTokens, idempotencyWait, workerThreads);
    }

    public GatewaySettings withMaxBodyBytes(int max) {
        return new GatewaySettings(host, port, max, bodyTimeout, defaultOutputTokens, idempotencyWait, workerThreads);
    }

    public GatewaySettings withBodyTimeout(Duration d) {
        return new GatewaySettings(host, port, maxBodyBytes, d, defaultOutputTokens, idempotencyWait, workerThreads);
    }

    public GatewaySettings withDefaultOutputTokens(int n) {
        return new GatewaySettings(host, port, maxBodyBytes, bodyTimeout, n, idempotencyWait, workerThreads);
    }

    public GatewaySettings withIdempotencyWait(Duration d) {
        return new GatewaySettings(host, port, maxBodyBytes, bodyTimeout, defaultOutputTokens, d, workerThreads);
    }

    public GatewaySettings withWorkerThreads(int n) {
        return new GatewaySettings(host, port, maxBodyBytes, bodyTimeout, defaultOutputTokens, idempotencyWait, n);
    }
}
