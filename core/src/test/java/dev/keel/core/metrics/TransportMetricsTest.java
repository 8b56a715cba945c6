package dev.keel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.error.KeelException;
import dev.keel.core.policy.Backoff;
import dev.keel.core.policy.RetryBudgetConfig;
import dev.keel.core.policy.RetryPolicyConfig;
import dev.keel.core.slo.ErrorBudget;
import dev.keel.core.slo.SloConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** After a scripted mix of outcomes, every transport metric holds exactly the expected value. */
class TransportMetricsTest {

    /** One attempt per call, so each scripted outcome is one call; retries are tested below. */
    private static final RetryPolicyConfig ONE_ATTEMPT = new RetryPolicyConfig(
            1, Backoff.exponentialFullJitter(Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ZERO);

    @Test
    void retries_countedPerReasonAndBudgetExhaustionSeparately() {
        var script = Stream.of("status:503", "status:503", "ok", "status:500")
                .map(FaultSpec::parse)
                .toList();
        var plan = new FaultPlan(1, List.of(FaultRule.scripted("POST /v1/responses", script)));
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var noBudget = new RetryBudgetConfig(Duration.ofSeconds(10), 0, 0);
        try (var emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
                var retrying = KeelClient.builder(KeelClientConfig.builder("sk-m", emulator.baseUrl())
                                .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                                .build())
                        .meterRegistry(registry)
                        .build();
                var starved = KeelClient.builder(KeelClientConfig.builder("sk-m", emulator.baseUrl())
                                .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                                .trafficClass(dev.keel.core.TrafficClass.BATCH)
                                .retryBudget(noBudget)
                                .build())
                        .meterRegistry(registry)
                        .build()) {
            var body = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}");
            assertThat(retrying.responses().create(body, CallOptions.defaults()).attempts())
                    .isEqualTo(3);
            assertThat(registry.get(MetricNames.RETRIES)
                            .tag("traffic_class", "online")
                            .counter()
                            .count())
                    .isEqualTo(2);
            assertThat(registry.get(MetricNames.RETRY_REASONS)
                            .tag("reason", "server_error")
                            .counter()
                            .count())
                    .isEqualTo(2);
            var batch = CallOptions.defaults().withTrafficClass(dev.keel.core.TrafficClass.BATCH);
            assertThatThrownBy(() -> starved.responses().create(body, batch))
                    .isInstanceOf(KeelException.class)
                    .satisfies(e -> assertThat(((KeelException) e).attempts()).isEqualTo(1));
            assertThat(registry.get(MetricNames.RETRY_BUDGET_EXHAUSTED)
                            .tag("traffic_class", "batch")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get(MetricNames.RETRIES)
                            .tag("traffic_class", "batch")
                            .counter()
                            .count())
                    .isZero();
            assertThat(registry.scrape()).contains("retry_total{reason=\"server_error\",traffic_class=\"online\"} 2.0");
        }
    }

    @Test
    void scriptedMix_givesExactMetricValues() {
        var script = Stream.of("ok", "status:503", "status:429,retry-after:1", "ok", "stall", "status:400")
                .map(FaultSpec::parse)
                .toList();
        var plan = new FaultPlan(1, List.of(FaultRule.scripted("POST /v1/responses", script)));
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (var emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
                var client = KeelClient.builder(KeelClientConfig.builder("sk-metrics-test", emulator.baseUrl())
                                .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                                .retry(ONE_ATTEMPT)
                                .build())
                        .meterRegistry(registry)
                        .build()) {
            var body = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}");
            client.responses().create(body, CallOptions.defaults());
            assertThatThrownBy(() -> client.responses().create(body, CallOptions.defaults()))
                    .isInstanceOf(KeelException.class);
            assertThatThrownBy(() -> client.responses().create(body, CallOptions.defaults()))
                    .isInstanceOf(KeelException.class);
            client.responses().create(body, CallOptions.defaults());
            assertThatThrownBy(() -> client.responses()
                            .create(body, CallOptions.defaults().withBudget(Duration.ofMillis(300))))
                    .isInstanceOf(KeelException.class);
            assertThatThrownBy(() -> client.responses().create(body, CallOptions.defaults()))
                    .isInstanceOf(KeelException.class);

            assertThat(count(registry, "200")).isEqualTo(2);
            assertThat(count(registry, "503")).isEqualTo(1);
            assertThat(count(registry, "429")).isEqualTo(1);
            assertThat(count(registry, "400")).isEqualTo(1);
            assertThat(count(registry, "timeout")).isEqualTo(1);
            assertThat(registry.get(MetricNames.TIMEOUTS).counter().count()).isEqualTo(1);
            assertThat(registry.get(MetricNames.RETRIES)
                            .tag("traffic_class", "online")
                            .counter()
                            .count())
                    .isZero();
            assertThat(registry.get(MetricNames.LATENCY_MS).summary().count())
                    .as("answered attempts")
                    .isEqualTo(5);
            assertThat(registry.get(MetricNames.INFLIGHT).gauge().value()).isZero();
            // 5 calls count for the SLO (the 400 is the caller's fault): 503, 429 and the timeout failed.
            double burn = (3.0 / 5) / (1 - 0.995);
            for (String window : List.of("5m", "30m", "1h", "6h")) {
                assertThat(registry.get(MetricNames.BURN_RATE)
                                .tag("window", window)
                                .gauge()
                                .value())
                        .isCloseTo(burn, within(1e-9));
            }
            String scrape = registry.scrape();
            assertThat(scrape)
                    .contains("openai_requests_total{status_code=\"503\",traffic_class=\"online\"} 1.0")
                    .contains("openai_timeout_total")
                    .contains("openai_retries_total")
                    .contains("openai_inflight")
                    .contains("openai_request_latency_ms{")
                    .contains("quantile=\"0.99\"")
                    .contains("openai_error_budget_burn_rate{traffic_class=\"online\",window=\"1h\"}");
        }
    }

    @Test
    void costAndLlmLatency_afterAScriptedMix_haveExactValues() {
        var script = Stream.of("ok", "status:503", "ok", "ok", "status:400")
                .map(FaultSpec::parse)
                .toList();
        var plan = new FaultPlan(1, List.of(FaultRule.scripted("POST /v1/responses", script)));
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var prices = PriceTable.builtIn();
        try (var emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
                var client = KeelClient.builder(KeelClientConfig.builder("sk-test-cost", emulator.baseUrl())
                                .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                                .retry(ONE_ATTEMPT)
                                .build())
                        .meterRegistry(registry)
                        .build()) {
            var mini = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello to the cost meter\"}");
            var gpt4o = Json.parse("{\"model\":\"gpt-4o\",\"input\":\"Write a longer greeting, please\"}");
            var unpriced = Json.parse("{\"model\":\"ft:gpt-4.1-mini:acme::x1\",\"input\":\"Hi\"}");
            var answers = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
            answers.add(client.responses().create(mini, CallOptions.defaults()).json());
            assertThatThrownBy(() -> client.responses().create(mini, CallOptions.defaults()))
                    .isInstanceOf(KeelException.class);
            answers.add(client.responses().create(gpt4o, CallOptions.defaults()).json());
            var unknownAnswer = client.responses().create(unpriced, CallOptions.defaults());
            assertThat(unknownAnswer.status())
                    .as("an unpriced model never breaks the call")
                    .isEqualTo(200);
            assertThatThrownBy(() -> client.responses().create(mini, CallOptions.defaults()))
                    .isInstanceOf(KeelException.class);
            client.files()
                    .list(
                            dev.keel.core.api.FileListParams.all(),
                            CallOptions.defaults()); // not a model call: no latency sample, no cost

            for (String model : List.of("gpt-4.1-mini", "gpt-4o")) {
                double expected = answers.stream()
                        .filter(a -> a.get("model").asText().equals(model))
                        .mapToDouble(a -> prices.cost(model, PriceTier.STANDARD, TokenUsage.fromJson(a.get("usage")))
                                .doubleValue())
                        .sum();
                assertThat(expected).isPositive();
                assertThat(registry.get(MetricNames.COST_USD)
                                .tag("model", model)
                                .tag("tier", "standard")
                                .counter()
                                .count())
                        .isCloseTo(expected, within(1e-12));
            }
            assertThat(registry.get(MetricNames.COST_UNKNOWN_MODEL)
                            .tag("model", "ft:gpt-4.1-mini:acme::x1")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get(MetricNames.LLM_LATENCY_MS)
                            .tag("outcome", "ok")
                            .summary()
                            .count())
                    .isEqualTo(3);
            assertThat(registry.get(MetricNames.LLM_LATENCY_MS)
                            .tag("outcome", "error")
                            .summary()
                            .count())
                    .isEqualTo(2);
            assertThat(registry.scrape())
                    .contains("llm_latency_ms_bucket{outcome=\"ok\",traffic_class=\"online\",le=\"+Inf\"} 3")
                    .contains("cost_usd_total{model=\"gpt-4o\",tier=\"standard\",traffic_class=\"online\"}");
        }
    }

    @Test
    void llmLatency_isAHistogramWithExactBucketCounts_forModelCallsOnly() {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var metrics = metricsOn(registry);
        var model = context(dev.keel.core.http.HttpCall.postJson("/responses", new byte[0]));
        var retrieve = context(dev.keel.core.http.HttpCall.get("/responses/resp_1"));
        var ok = new dev.keel.core.http.HttpResult(
                200, java.util.Map.of(), new byte[0], null, "HTTP/2.0", null, 1, null);
        for (long ms : new long[] {40, 50, 120, 700, 2_500, 45_000}) {
            metrics.callEnd(model, ok, Duration.ofMillis(ms));
        }
        metrics.callEnd(retrieve, ok, Duration.ofMillis(10));
        metrics.callFailed(
                model,
                KeelException.of(dev.keel.core.error.ErrorKind.SERVER_ERROR, "503")
                        .status(503)
                        .attempts(3)
                        .build(),
                Duration.ofMillis(1_500));
        metrics.callFailed(
                model, new dev.keel.core.error.CircuitOpenException("b", Duration.ofSeconds(1), 0), Duration.ZERO);

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("llm_latency_ms_bucket{outcome=\"ok\",traffic_class=\"online\",le=\"50.0\"} 2")
                .contains("llm_latency_ms_bucket{outcome=\"ok\",traffic_class=\"online\",le=\"250.0\"} 3")
                .contains("llm_latency_ms_bucket{outcome=\"ok\",traffic_class=\"online\",le=\"1000.0\"} 4")
                .contains("llm_latency_ms_bucket{outcome=\"ok\",traffic_class=\"online\",le=\"3000.0\"} 5")
                .contains("llm_latency_ms_bucket{outcome=\"ok\",traffic_class=\"online\",le=\"30000.0\"} 5")
                .contains("llm_latency_ms_bucket{outcome=\"ok\",traffic_class=\"online\",le=\"+Inf\"} 6")
                .contains("llm_latency_ms_sum{outcome=\"ok\",traffic_class=\"online\"} 48410.0")
                .contains("llm_latency_ms_bucket{outcome=\"error\",traffic_class=\"online\",le=\"1000.0\"} 0")
                .contains("llm_latency_ms_bucket{outcome=\"error\",traffic_class=\"online\",le=\"2000.0\"} 1")
                .contains("llm_latency_ms_count{outcome=\"error\",traffic_class=\"online\"} 1");
    }

    @Test
    void llmLatency_ofAStream_runsToItsEnd_finishedOk_cutError_closedEarlyLeftOut() {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var metrics = metricsOn(registry);
        var model = context(
                dev.keel.core.http.HttpCall.postJson("/responses", new byte[0]).asStream());
        var headers = new dev.keel.core.http.HttpResult(
                200, java.util.Map.of(), new byte[0], java.io.InputStream.nullInputStream(), "HTTP/2.0", null, 1, null);
        metrics.callEnd(model, headers, Duration.ofMillis(300)); // the headers: not yet the latency
        metrics.streamEnd(model, new dev.keel.core.http.StreamOutcome.Finished(40, null), Duration.ofMillis(4_000));
        metrics.streamEnd(
                model,
                new dev.keel.core.http.StreamOutcome.Truncated(
                        new dev.keel.core.error.StreamTruncatedException(3, "req_1", null)),
                Duration.ofMillis(900));
        metrics.streamEnd(model, new dev.keel.core.http.StreamOutcome.Abandoned(2), Duration.ofMillis(100));

        assertThat(registry.scrape())
                .contains("llm_latency_ms_count{outcome=\"ok\",traffic_class=\"online\"} 1")
                .contains("llm_latency_ms_sum{outcome=\"ok\",traffic_class=\"online\"} 4000.0")
                .contains("llm_latency_ms_count{outcome=\"error\",traffic_class=\"online\"} 1")
                .contains("llm_latency_ms_sum{outcome=\"error\",traffic_class=\"online\"} 900.0");
    }

    /** The transport meters of an "online" client on {@code registry}, its clocks fake. */
    private static TransportMetrics metricsOn(PrometheusMeterRegistry registry) {
        var ticker = new dev.keel.wire.testing.FakeClock();
        return new TransportMetrics(
                registry,
                "online",
                new dev.keel.core.policy.InFlightLimit(4),
                new ErrorBudget(SloConfig.ofDefaults(), ticker),
                new dev.keel.core.policy.DegradeSignal(dev.keel.core.policy.DegradeConfig.ofDefaults(), ticker));
    }

    private static dev.keel.core.pipeline.CallContext context(dev.keel.core.http.HttpCall call) {
        return new dev.keel.core.pipeline.CallContext(
                1,
                call,
                CallOptions.defaults(),
                dev.keel.core.policy.Deadline.after(Duration.ofSeconds(30), dev.keel.wire.time.Ticker.SYSTEM),
                Duration.ofSeconds(30),
                1,
                null);
    }

    private static double count(PrometheusMeterRegistry registry, String status) {
        return registry.get(MetricNames.REQUESTS)
                .tag("status_code", status)
                .counter()
                .count();
    }
}
