package dev.keel.core.metrics;

import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.PhaseTimings;
import dev.keel.core.http.ResultSource;
import dev.keel.core.http.StreamOutcome;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.core.policy.DegradeSignal;
import dev.keel.core.policy.InFlightLimit;
import dev.keel.core.policy.RetryDecision;
import dev.keel.core.slo.ErrorBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;

/**
 * The six transport metrics of the recipe (plus the degrade gauge) as an {@link EventListener}:
 * {@code openai_requests_total{status_code}}, {@code openai_request_latency_ms} (p50/p95/p99),
 * {@code openai_retries_total}, {@code openai_timeout_total}, {@code openai_inflight} and {@code
 * openai_error_budget_burn_rate{window}}, plus the retry-storm ones: {@code retry_total{reason}},
 * {@code retry_budget_exhausted_total}, {@code breaker_open_total}, {@code breaker_state}, {@code
 * fallback_total{source}} and {@code llm_latency_ms{outcome}} (a histogram of logical model-call
 * latency; p95 via {@code histogram_quantile}). Every meter carries the client's {@code traffic_class}.
 * Thread-safe.
 */
public final class TransportMetrics implements EventListener {

    private final MeterRegistry registry;
    private final String trafficClass;
    private final DistributionSummary latency;
    private final Counter timeouts;
    private final Counter retries;
    private final Counter budgetExhausted;
    /** One counter per status code, looked up once: this runs on every attempt. */
    private final java.util.Map<String, Counter> requests = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicReferenceArray<Counter> byStatus =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(600);

    private final DistributionSummary llmOk;
    private final DistributionSummary llmError;
    private final Counter breakerOpens;
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> breakerStates =
            new java.util.concurrent.ConcurrentHashMap<>();

    public TransportMetrics(
            MeterRegistry registry,
            String trafficClass,
            InFlightLimit inFlight,
            ErrorBudget budget,
            DegradeSignal degrade) {
        this.registry = registry;
        this.trafficClass = trafficClass;
        this.latency = DistributionSummary.builder(MetricNames.LATENCY_MS)
                .description("Upstream attempt latency in milliseconds")
                .baseUnit("ms")
                .tag("traffic_class", trafficClass)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
        this.llmOk = llmLatency(registry, trafficClass, "ok");
        this.llmError = llmLatency(registry, trafficClass, "error");
        this.timeouts = Counter.builder(MetricNames.TIMEOUTS)
                .description("Attempts that timed out, and calls refused because their budget was spent")
                .tag("traffic_class", trafficClass)
                .register(registry);
        this.retries = Counter.builder(MetricNames.RETRIES)
                .description("Retries the retry layer made")
                .tag("traffic_class", trafficClass)
                .register(registry);
        this.breakerOpens = Counter.builder(MetricNames.BREAKER_OPEN)
                .description("Circuit breakers opening")
                .tag("traffic_class", trafficClass)
                .register(registry);
        this.budgetExhausted = Counter.builder(MetricNames.RETRY_BUDGET_EXHAUSTED)
                .description("Retries refused because the retry budget was spent")
                .tag("traffic_class", trafficClass)
                .register(registry);
        Gauge.builder(MetricNames.INFLIGHT, inFlight, InFlightLimit::inUse)
                .description("Calls holding an in-flight permit")
                .tag("traffic_class", trafficClass)
                .register(registry);
        Gauge.builder(MetricNames.DEGRADED, degrade, d -> d.state() == DegradeSignal.State.DEGRADED ? 1 : 0)
                .description("1 while the client is DEGRADED")
                .tag("traffic_class", trafficClass)
                .register(registry);
        for (ErrorBudget.Window w : ErrorBudget.Window.values()) {
            Gauge.builder(MetricNames.BURN_RATE, budget, b -> b.burnRate(w))
                    .description("Error-budget burn rate over the window")
                    .tag("window", w.label())
                    .tag("traffic_class", trafficClass)
                    .register(registry);
        }
    }

    /**
     * Bucket bounds of {@code llm_latency_ms} in ms: a Prometheus histogram, so p95 is computed (and
     * aggregated over replicas) with {@code histogram_quantile}; no client-side percentiles.
     */
    static final double[] LLM_BUCKETS_MS = {
        50, 100, 250, 500, 1_000, 2_000, 3_000, 5_000, 8_000, 13_000, 20_000, 30_000, 60_000
    };

    private static DistributionSummary llmLatency(MeterRegistry registry, String trafficClass, String outcome) {
        return DistributionSummary.builder(MetricNames.LLM_LATENCY_MS)
                .description("Logical model-call latency in milliseconds, retries and waits included")
                .baseUnit("ms")
                .serviceLevelObjectives(LLM_BUCKETS_MS)
                .tag("outcome", outcome)
                .tag("traffic_class", trafficClass)
                .register(registry);
    }

    @Override
    public void callEnd(CallContext call, HttpResult result, Duration elapsed) {
        if (!result.partial() && result.stream() == null && isModelCall(call)) {
            llmOk.record(elapsed.toNanos() / 1e6);
        }
    }

    /**
     * A stream's latency runs to its end, not to its headers: finished is {@code ok}, cut is {@code
     * error}; a stream the caller closed early is left out (its length was the caller's choice).
     */
    @Override
    public void streamEnd(CallContext call, StreamOutcome outcome, Duration elapsed) {
        if (!isModelCall(call)) {
            return;
        }
        switch (outcome) {
            case StreamOutcome.Finished f -> llmOk.record(elapsed.toNanos() / 1e6);
            case StreamOutcome.Truncated t -> llmError.record(elapsed.toNanos() / 1e6);
            case StreamOutcome.Abandoned a -> {}
        }
    }

    /** A call that creates model output: {@code POST} to Responses, Chat Completions, Completions or Embeddings. */
    private static boolean isModelCall(CallContext call) {
        HttpCall c = call.original();
        if (!c.method().equals("POST")) {
            return false;
        }
        String path = c.path();
        return path.startsWith("/responses")
                || path.startsWith("/chat/completions")
                || path.startsWith("/completions")
                || path.startsWith("/embeddings");
    }

    @Override
    public void attemptEnd(CallContext call, int status, KeelException error, PhaseTimings timings, String protocol) {
        requestCounter(status, error).increment();
        if (timings != null) {
            latency.record(timings.complete().toNanos() / 1e6);
        }
        if (error != null && error.kind() == ErrorKind.TIMEOUT) {
            timeouts.increment();
        }
    }

    /** The counter of one status code, looked up without allocating for HTTP statuses. */
    private Counter requestCounter(int status, KeelException error) {
        if (status >= 100 && status < byStatus.length()) {
            Counter c = byStatus.get(status);
            if (c == null) {
                c = requests.computeIfAbsent(String.valueOf(status), this::newRequestCounter);
                byStatus.set(status, c);
            }
            return c;
        }
        String code = status > 0 ? String.valueOf(status) : error.kind().name().toLowerCase(Locale.ROOT);
        return requests.computeIfAbsent(code, this::newRequestCounter);
    }

    private Counter newRequestCounter(String code) {
        return Counter.builder(MetricNames.REQUESTS)
                .description("Upstream attempts by HTTP status (or failure kind)")
                .tag("status_code", code)
                .tag("traffic_class", trafficClass)
                .register(registry);
    }

    @Override
    public void retryDecided(CallContext call, KeelException failure, RetryDecision decision) {
        switch (decision) {
            case RetryDecision.Retry r -> {
                retries.increment();
                Counter.builder(MetricNames.RETRY_REASONS)
                        .description("Retries by the failure kind retried")
                        .tag("reason", r.reason().label())
                        .tag("traffic_class", trafficClass)
                        .register(registry)
                        .increment();
            }
            case RetryDecision.GiveUp g -> {
                if (g.reason() == RetryDecision.GiveUpReason.BUDGET_EXHAUSTED) {
                    budgetExhausted.increment();
                }
            }
        }
    }

    @Override
    public void breakerStateChanged(String breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
        if (to == CircuitBreaker.State.OPEN) {
            breakerOpens.increment();
        }
        breakerStates
                .computeIfAbsent(breaker, b -> {
                    var holder = new java.util.concurrent.atomic.AtomicInteger();
                    Gauge.builder(MetricNames.BREAKER_STATE, holder, java.util.concurrent.atomic.AtomicInteger::get)
                            .description("0 closed, 1 half-open, 2 open")
                            .tag("breaker", b)
                            .tag("traffic_class", trafficClass)
                            .register(registry);
                    return holder;
                })
                .set(to == CircuitBreaker.State.OPEN ? 2 : to == CircuitBreaker.State.HALF_OPEN ? 1 : 0);
    }

    @Override
    public void fallbackServed(CallContext call, ResultSource source, CircuitOpenException cause) {
        Counter.builder(MetricNames.FALLBACK)
                .description("Calls an open breaker refused that a fallback answered, by source")
                .tag("source", source.name().toLowerCase(Locale.ROOT))
                .tag("traffic_class", trafficClass)
                .register(registry)
                .increment();
    }

    @Override
    public void callFailed(CallContext call, KeelException error, Duration elapsed) {
        if (error.kind() == ErrorKind.DEADLINE_EXCEEDED && error.attempts() == 0) {
            timeouts.increment();
        }
        if (error.attempts() > 0 && isModelCall(call)) {
            llmError.record(elapsed.toNanos() / 1e6);
        }
    }
}
