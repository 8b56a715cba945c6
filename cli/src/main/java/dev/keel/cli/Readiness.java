package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /readyz}: whether the sidecar can serve, as opposed to {@code /healthz} (the process is
 * alive). Ready when the upstream accepts a TCP connection (probed at most every {@code probeEvery},
 * so a flood of readiness checks is not a flood of probes), not every circuit breaker made so far is
 * open, and the configuration in force loaded without error. Thread-safe.
 */
final class Readiness {

    /** A check's answer: ready or not, and the JSON that says why. */
    record Report(boolean ready, ObjectNode json) {}

    private final URI upstream;
    private final Duration connectTimeout;
    private final Duration probeEvery;
    private final InstantSource clock;
    private final Supplier<Map<String, CircuitBreaker.State>> breakers;
    private final Supplier<String> configError;

    private record Probe(Instant at, boolean ok, String detail) {}

    private volatile Probe last;

    /**
     * @param configError the configuration's load error now, or null when it loaded
     */
    Readiness(
            URI upstream,
            Duration connectTimeout,
            Duration probeEvery,
            InstantSource clock,
            Supplier<Map<String, CircuitBreaker.State>> breakers,
            Supplier<String> configError) {
        this.upstream = upstream;
        this.connectTimeout = connectTimeout;
        this.probeEvery = probeEvery;
        this.clock = clock;
        this.breakers = breakers;
        this.configError = configError;
    }

    Report check() {
        Probe probe = probe();
        Map<String, CircuitBreaker.State> states = breakers.get();
        long open = states.values().stream()
                .filter(s -> s == CircuitBreaker.State.OPEN)
                .count();
        boolean breakersOk = states.isEmpty() || open < states.size();
        String error = configError.get();
        boolean ready = probe.ok() && breakersOk && error == null;

        ObjectNode out = Json.object();
        out.put("status", ready ? "ready" : "not_ready");
        ObjectNode checks = out.putObject("checks");
        checks.putObject("upstream").put("ok", probe.ok()).put("detail", probe.detail());
        ObjectNode b = checks.putObject("breakers")
                .put("ok", breakersOk)
                .put("open", open)
                .put("known", states.size());
        if (!breakersOk) {
            b.put("detail", "every circuit breaker is open: calls fail fast until one half-opens");
        }
        ObjectNode c = checks.putObject("configuration").put("ok", error == null);
        if (error != null) {
            c.put("detail", error);
        }
        return new Report(ready, out);
    }

    private Probe probe() {
        Probe p = last;
        Instant now = clock.instant();
        if (p != null && now.isBefore(p.at().plus(probeEvery))) {
            return p;
        }
        p = connect(now);
        last = p;
        return p;
    }

    private Probe connect(Instant now) {
        String host = upstream.getHost();
        int port = upstream.getPort() != -1 ? upstream.getPort() : "https".equals(upstream.getScheme()) ? 443 : 80;
        String where = host + ":" + port;
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            return new Probe(now, true, where + " accepts connections");
        } catch (IOException e) {
            return new Probe(
                    now,
                    false,
                    where + " unreachable (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }
}
