package dev.keel.core.http;

import java.time.Duration;

/**
 * Where one attempt's time went, each phase measured from the attempt's start. Immutable.
 *
 * @param queued until the request began on a connection (waiting for a pooled connection, and
 *     opening one when needed)
 * @param connect TCP connect time of the connection this attempt opened; null when it reused a
 *     pooled connection
 * @param tls TLS handshake and ALPN time of the connection this attempt opened; null when it reused
 *     one or spoke cleartext
 * @param requestSent until the request (headers and body) was written
 * @param responseHeaders until the response headers arrived
 * @param firstByte until the first byte of the body arrived; null when the body was empty
 * @param complete until the exchange finished (for a stream: until its headers, the body is read later)
 */
public record PhaseTimings(
        Duration queued,
        Duration connect,
        Duration tls,
        Duration requestSent,
        Duration responseHeaders,
        Duration firstByte,
        Duration complete) {

    /** {@code queued=0.1ms connect=1.2ms sent=… headers=… first_byte=… complete=…}; absent phases say {@code -}. */
    public String summary() {
        return "queued=" + ms(queued) + " connect=" + (connect == null ? "reused" : ms(connect)) + " tls=" + ms(tls)
                + " sent="
                + ms(requestSent) + " headers=" + ms(responseHeaders) + " first_byte=" + ms(firstByte) + " complete="
                + ms(complete);
    }

    private static String ms(Duration d) {
        return d == null ? "-" : String.format(java.util.Locale.ROOT, "%.1fms", d.toNanos() / 1e6);
    }
}
