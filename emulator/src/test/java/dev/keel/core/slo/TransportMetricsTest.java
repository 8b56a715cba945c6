package dev.keel.core.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.error.KeelException;
import dev.keel.core.json.Json;
import dev.keel.core.policy.Backoff;
import dev.keel.core.policy.RetryBudgetConfig;
import dev.keel.core.policy.RetryPolicyConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
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
                                .build())
                        .meterRegistry(registry)
                        .build();
                var starved = KeelClient.builder(KeelClientConfig.builder("sk-m", emulator.baseUrl())
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

    private static double count(PrometheusMeterRegistry registry, String status) {
        return registry.get(MetricNames.REQUESTS)
                .tag("status_code", status)
                .counter()
                .count();
    }
}
