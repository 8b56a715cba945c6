package dev.keel.core.http;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The connection pool of one client, with the recipe's Go-transport numbers mapped onto Jetty.
 *
 * @param maxConnectionsPerDestination connections one upstream may have open (default 256; HTTP/2
 *     multiplexes many calls on each)
 * @param idleTimeout how long an unused connection stays open (default 90 s)
 * @param connectTimeout TCP connect plus TLS handshake (default 5 s)
 * @param http2 prefer HTTP/2: h2 via ALPN over TLS, prior-knowledge h2c to {@code http://} servers;
 *     false speaks HTTP/1.1 only
 * @param maxResponseBytes the largest buffered body accepted (default 512 MB, the largest file)
 * @param sslContext the TLS context, e.g. one trusting a corporate CA; null uses the JDK's default
 *     trust store
 */
public record PoolConfig(
        int maxConnectionsPerDestination,
        Duration idleTimeout,
        Duration connectTimeout,
        boolean http2,
        int maxResponseBytes,
        SSLContext sslContext) {

    /** @throws IllegalArgumentException naming the value that is out of range */
    public PoolConfig {
        if (maxConnectionsPerDestination < 1) {
            throw new IllegalArgumentException(
                    "maxConnectionsPerDestination must be >= 1, got " + maxConnectionsPerDestination);
        }
        if (idleTimeout.isNegative() || connectTimeout.isZero() || connectTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "idleTimeout must be >= 0 and connectTimeout > 0, got " + idleTimeout + " / " + connectTimeout);
        }
        if (maxResponseBytes < 1024) {
            throw new IllegalArgumentException("maxResponseBytes must be at least 1024, got " + maxResponseBytes);
        }
    }

    /** 256 connections, 90 s idle, 5 s connect, HTTP/2 preferred, 512 MB bodies, the JDK's trust store. */
    public static PoolConfig ofDefaults() {
        return new PoolConfig(256, Duration.ofSeconds(90), Duration.ofSeconds(5), true, 512 * 1024 * 1024, null);
    }

    public PoolConfig withMaxConnections(int n) {
        return new PoolConfig(n, idleTimeout, connectTimeout, http2, maxResponseBytes, sslContext);
    }

    public PoolConfig withHttp2(boolean enabled) {
        return new PoolConfig(
                maxConnectionsPerDestination, idleTimeout, connectTimeout, enabled, maxResponseBytes, sslContext);
    }

    public PoolConfig withSslContext(SSLContext context) {
        return new PoolConfig(
                maxConnectionsPerDestination, idleTimeout, connectTimeout, http2, maxResponseBytes, context);
    }
}
