package dev.keel.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The gateway's own metrics, beside the library's ({@code openai_*}, {@code cost_usd_total}, … from
 * the same registry): {@code gateway_requests_total{key,team,route,status}}, {@code
 * gateway_refusals_total{key,reason}}, {@code gateway_nested_retries_total{key,team}} and the {@code
 * gateway_overhead_ms} histogram (time in the gateway before the answer's headers, minus the time
 * waiting on the upstream). Key ids, never secrets, are labels. Thread-safe.
 */
final class GatewayMetrics {

    static final String REQUESTS = "gateway_requests_total";
    static final String REFUSALS = "gateway_refusals_total";
    static final String NESTED = "gateway_nested_retries_total";
    static final String OVERHEAD = "gateway_overhead_ms";

    private final MeterRegistry registry;
    private final DistributionSummary overhead;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.overhead = DistributionSummary.builder(OVERHEAD)
                .description("time spent in the gateway itself per call (total before the answer's headers"
                        + " minus the time waiting on the upstream), in ms")
                .baseUnit("ms")
                .publishPercentileHistogram()
                .serviceLevelObjectives(0.1, 0.2, 0.5, 1, 2, 5)
                .minimumExpectedValue(0.01)
                .maximumExpectedValue(1000.0)
                .register(registry);
    }

    /** One counter per key, route and status, looked up once: a call costs a map lookup, not a registration. */
    private record RequestTags(String key, String team, String route, int status) {}

    private final java.util.concurrent.ConcurrentHashMap<RequestTags, Counter> requests =
            new java.util.concurrent.ConcurrentHashMap<>();

    void request(GatewayKey key, String route, int status) {
        var tags = new RequestTags(key == null ? "" : key.id(), key == null ? "" : key.team(), route, status);
        requests.computeIfAbsent(
                        tags,
                        t -> Counter.builder(REQUESTS)
                                .description("calls answered by the gateway, by key, team, route and status")
                                .tags("key", t.key(), "team", t.team())
                                .tags("route", t.route(), "status", Integer.toString(t.status()))
                                .register(registry))
                .increment();
    }

    void refusal(GatewayKey key, String reason) {
        Counter.builder(REFUSALS)
                .description("calls the gateway refused itself, by key and reason")
                .tags("key", key == null ? "" : key.id(), "reason", reason)
                .register(registry)
                .increment();
    }

    void nestedRetry(GatewayKey key) {
        Counter.builder(NESTED)
                .description("client requests that were the client's own retries (X-Stainless-Retry-Count > 0):"
                        + " the gateway retries already, so clients should not")
                .tags("key", key.id(), "team", key.team())
                .register(registry)
                .increment();
    }

    void overhead(double ms) {
        overhead.record(ms);
    }
}
