package dev.keel.core.http;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The connection pool of one client, with the recipe's Go-transport numbers mapped onto Jetty.
 * Immutable.
 *
 * <p>Which protocol a connection speaks: over TLS ({@code https://}) h2 is offered by ALPN, with
 * HTTP/1.1 as the fallback the server may choose. Over cleartext ({@code http://}) keel speaks
 * HTTP/1.1, which every OpenAI-compatible server understands, unless {@link #h2c()} says the server
 * is known to speak HTTP/2 by prior knowledge (the embedded emulator does): an HTTP/1.1-only server
 * answers an h2c preface with a protocol error, so h2c is never guessed.
 *
 * @param maxConnectionsPerDestination connections one upstream may have open (default 256; HTTP/2
 *     multiplexes many calls on each)
 * @param idleTimeout how long an unused connection stays open (default 90 s)
 * @param connectTimeout TCP connect plus TLS handshake (default 5 s)
 * @param http2 offer HTTP/2 (h2 by ALPN over TLS; h2c over cleartext only with {@code h2c}); false
 *     speaks HTTP/1.1 only
 * @param h2c speak prior-knowledge HTTP/2 to an {@code http://} base URL (default false: HTTP/1.1);
 *     set it only for a server known to speak h2c; ignored for {@code https://}
 * @param maxResponseBytes the largest buffered body accepted (default 512 MB, the largest file)
 * @param sslContext the TLS context, e.g. one trusting a corporate CA; null uses the JDK's default
 *     trust store
 */
public record PoolConfig(
        int maxConnectionsPerDestination,
        Duration idleTimeout,
        Duration connectTimeout,
        boolean http2,
        boolean h2c,
        int maxResponseBytes,
        SSLContext sslContext) {

    /** @throws IllegalArgumentException naming the value that is out of range, or h2c without http2 */
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
        if (h2c && !http2) {
            throw new IllegalArgumentException(
                    "h2c (cleartext HTTP/2) needs http2 enabled; drop one of withHttp2(false) and withH2c(true)");
        }
    }

    /**
     * 256 connections, 90 s idle, 5 s connect, h2 preferred over TLS, HTTP/1.1 over cleartext, 512 MB
     * bodies, the JDK's trust store.
     */
    public static PoolConfig ofDefaults() {
        return new PoolConfig(256, Duration.ofSeconds(90), Duration.ofSeconds(5), true, false, 512 * 1024 * 1024, null);
    }

    public PoolConfig withMaxConnections(int n) {
        return new PoolConfig(n, idleTimeout, connectTimeout, http2, h2c, maxResponseBytes, sslContext);
    }

    /** HTTP/2 offered ({@code true}) or HTTP/1.1 only ({@code false}, which also turns h2c off). */
    public PoolConfig withHttp2(boolean enabled) {
        return new PoolConfig(
                maxConnectionsPerDestination,
                idleTimeout,
                connectTimeout,
                enabled,
                enabled && h2c,
                maxResponseBytes,
                sslContext);
    }

    /**
     * Prior-knowledge HTTP/2 to an {@code http://} base URL (for a server known to speak h2c, such as
     * the embedded emulator), or HTTP/1.1 there ({@code false}, the default).
     *
     * @throws IllegalArgumentException when {@code enabled} and HTTP/2 is turned off
     */
    public PoolConfig withH2c(boolean enabled) {
        return new PoolConfig(
                maxConnectionsPerDestination,
                idleTimeout,
                connectTimeout,
                http2,
                enabled,
                maxResponseBytes,
                sslContext);
    }

    public PoolConfig withSslContext(SSLContext context) {
        return new PoolConfig(
                maxConnectionsPerDestination, idleTimeout, connectTimeout, http2, h2c, maxResponseBytes, context);
    }
}
