package dev.keel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.policy.Backoff;
import dev.keel.core.policy.RetryPolicyConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * After a scripted mix against the emulator, the scrape holds the GenAI histograms with the
 * conventions' buckets and attributes and the per-model operator metrics with bounded labels, every
 * metric has HELP text, and the recipe's names are still there.
 */
class GenAiMetricsTest {

    private static final RetryPolicyConfig THREE_QUICK = new RetryPolicyConfig(
            3, Backoff.exponentialFullJitter(Duration.ofMillis(1), Duration.ofMillis(2)), Duration.ZERO);

    @Test
    void scriptedMix_givesTheGenAiHistograms_theModelAndEndpointLabels_andHelpOnEveryMetric() {
        // call 1 ok; call 2: 503 then ok; call 3 (unpriced model) ok; call 4: 400
        var script = Stream.of("ok", "status:503", "ok", "ok", "status:400")
                .map(FaultSpec::parse)
                .toList();
        var plan = new FaultPlan(1, List.of(FaultRule.scripted("POST /v1/responses", script)));
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (var emulator = Emulator.start(EmulatorConfig.builder().faults(plan).build());
                var client = KeelClient.builder(KeelClientConfig.builder("sk-test-genai", emulator.baseUrl())
                                .retry(THREE_QUICK)
                                .build())
                        .meterRegistry(registry)
                        .build()) {
            var mini = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}");
            var unpriced = Json.parse("{\"model\":\"ft:gpt-4.1-mini:acme::x1\",\"input\":\"Hi\"}");
            var answers = new ArrayList<JsonNode>();
            answers.add(client.responses().create(mini, CallOptions.defaults()).json());
            answers.add(client.responses().create(mini, CallOptions.defaults()).json());
            JsonNode other =
                    client.responses().create(unpriced, CallOptions.defaults()).json();
            assertThatThrownBy(() -> client.responses().create(mini, CallOptions.defaults()))
                    .isInstanceOf(KeelException.class);
            assertThatThrownBy(() -> client.execute(HttpCall.get("/files/file-doesnotexist42"), CallOptions.defaults()))
                    .isInstanceOf(KeelException.class);

            String scrape = registry.scrape();
            String host = emulator.baseUrl().getHost();
            String port = String.valueOf(emulator.port());

            // gen_ai.client.operation.duration: a histogram with the advised boundaries
            assertThat(type(scrape, "gen_ai_client_operation_duration_seconds")).isEqualTo("histogram");
            String okLabels = "error_type=\"\",gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\","
                    + "gen_ai_request_model=\"gpt-4.1-mini\",gen_ai_response_model=\"gpt-4.1-mini\","
                    + "server_address=\"" + host + "\",server_port=\"" + port + "\",traffic_class=\"online\"";
            assertThat(value(scrape, "gen_ai_client_operation_duration_seconds_count{" + okLabels + "}"))
                    .as("two successful gpt-4.1-mini calls, the retried one counted once")
                    .isEqualTo(2);
            assertThat(bucketBounds(scrape, "gen_ai_client_operation_duration_seconds_bucket", okLabels))
                    .containsExactly(
                            0.01,
                            0.02,
                            0.04,
                            0.08,
                            0.16,
                            0.32,
                            0.64,
                            1.28,
                            2.56,
                            5.12,
                            10.24,
                            20.48,
                            40.96,
                            81.92,
                            Double.POSITIVE_INFINITY);
            String failedLabels = "error_type=\"invalid_request\",gen_ai_operation_name=\"chat\","
                    + "gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-4.1-mini\",gen_ai_response_model=\"\","
                    + "server_address=\"" + host + "\",server_port=\"" + port + "\",traffic_class=\"online\"";
            assertThat(value(scrape, "gen_ai_client_operation_duration_seconds_count{" + failedLabels + "}"))
                    .isEqualTo(1);

            // gen_ai.client.token.usage: input and output, sums exact
            assertThat(type(scrape, "gen_ai_client_token_usage")).isEqualTo("histogram");
            long input = answers.stream()
                    .mapToLong(a -> a.at("/usage/input_tokens").asLong())
                    .sum();
            long output = answers.stream()
                    .mapToLong(a -> a.at("/usage/output_tokens").asLong())
                    .sum();
            String tokenLabels = "gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\","
                    + "gen_ai_request_model=\"gpt-4.1-mini\",gen_ai_response_model=\"gpt-4.1-mini\","
                    + "gen_ai_token_type=\"%s\",server_address=\"" + host + "\",server_port=\"" + port
                    + "\",traffic_class=\"online\"";
            assertThat(value(scrape, "gen_ai_client_token_usage_sum{" + tokenLabels.formatted("input") + "}"))
                    .isEqualTo(input)
                    .isPositive();
            assertThat(value(scrape, "gen_ai_client_token_usage_sum{" + tokenLabels.formatted("output") + "}"))
                    .isEqualTo(output)
                    .isPositive();
            assertThat(bucketBounds(scrape, "gen_ai_client_token_usage_bucket", tokenLabels.formatted("input")))
                    .startsWith(1.0, 4.0, 16.0, 64.0)
                    .contains(67108864.0);

            // operator metrics: model and endpoint labels, bounded
            assertThat(value(
                            scrape,
                            "openai_model_requests_total{endpoint=\"/responses\",model=\"gpt-4.1-mini\","
                                    + "status_code=\"200\",traffic_class=\"online\"}"))
                    .isEqualTo(2);
            assertThat(value(
                            scrape,
                            "openai_model_requests_total{endpoint=\"/responses\",model=\"gpt-4.1-mini\","
                                    + "status_code=\"503\",traffic_class=\"online\"}"))
                    .isEqualTo(1);
            assertThat(value(
                            scrape,
                            "openai_model_requests_total{endpoint=\"/responses\",model=\"other\","
                                    + "status_code=\"200\",traffic_class=\"online\"}"))
                    .as("a model the price table does not list counts as other")
                    .isEqualTo(1);
            assertThat(value(
                            scrape,
                            "openai_model_requests_total{endpoint=\"/files/{id}\",model=\"\","
                                    + "status_code=\"404\",traffic_class=\"online\"}"))
                    .as("ids are not labels")
                    .isEqualTo(1);
            assertThat(scrape.lines()
                            .filter(l -> l.startsWith("openai_model_")
                                    || l.startsWith("openai_tokens")
                                    || l.startsWith("gen_ai_")))
                    .isNotEmpty()
                    .noneMatch(l -> l.contains("file-doesnotexist42") || l.contains("ft:gpt-4.1-mini"));
            assertThat(type(scrape, "openai_model_request_duration_seconds")).isEqualTo("histogram");
            assertThat(value(
                            scrape,
                            "openai_model_request_duration_seconds_count{endpoint=\"/responses\","
                                    + "model=\"gpt-4.1-mini\",traffic_class=\"online\"}"))
                    .as("every answered attempt: 200, 503, 200, 400")
                    .isEqualTo(4);

            // token counter by model and kind; the kinds add up to the total
            long cached = answers.stream()
                    .mapToLong(a ->
                            a.at("/usage/input_tokens_details/cached_tokens").asLong())
                    .sum();
            String kind = "openai_tokens_total{kind=\"%s\",model=\"gpt-4.1-mini\",traffic_class=\"online\"}";
            assertThat(value(scrape, kind.formatted("input"))).isEqualTo(input - cached);
            assertThat(value(scrape, kind.formatted("cached"))).isEqualTo(cached);
            assertThat(value(scrape, kind.formatted("output"))).isEqualTo(output);
            assertThat(value(scrape, "openai_tokens_total{kind=\"output\",model=\"other\",traffic_class=\"online\"}"))
                    .isEqualTo(other.at("/usage/output_tokens").asLong());

            // the recipe's names stay
            assertThat(scrape)
                    .contains("openai_requests_total{status_code=\"503\",traffic_class=\"online\"} 1.0")
                    .contains("# TYPE openai_request_latency_ms summary")
                    .contains("openai_request_latency_ms{traffic_class=\"online\",quantile=\"0.99\"}")
                    .contains("llm_latency_ms_bucket{")
                    .contains("cost_usd_total{model=\"gpt-4.1-mini\"");

            // HELP on every metric
            List<String> typed = names(scrape, "# TYPE ");
            assertThat(typed).hasSizeGreaterThan(10);
            for (String name : typed) {
                assertThat(help(scrape, name)).as("HELP of %s", name).isNotBlank();
            }
        }
    }

    @Test
    void streams_finishedCountWithTheirTerminalUsage_cutOnesAsStreamTruncated() {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (var emulator = Emulator.start(EmulatorConfig.builder().build());
                var client = KeelClient.builder(KeelClientConfig.builder("sk-test-genai", emulator.baseUrl())
                                .build())
                        .meterRegistry(registry)
                        .build()) {
            byte[] body = Json.writeBytes(Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"stream\":true}"));
            JsonNode last = null;
            try (var s = dev.keel.core.api.EventStream.of(
                    client.execute(HttpCall.postJson("/responses", body).asStream(), CallOptions.defaults()),
                    dev.keel.core.api.EventStream.Terminal.RESPONSES)) {
                for (JsonNode e = s.next(); e != null; e = s.next()) {
                    last = e;
                }
            }
            var cut = HttpCall.postJson("/responses", body)
                    .withHeader(Emulator.FAULT_HEADER, "cut-stream:3")
                    .asStream();
            try (var s = dev.keel.core.api.EventStream.of(
                    client.execute(cut, CallOptions.defaults()), dev.keel.core.api.EventStream.Terminal.RESPONSES)) {
                assertThatThrownBy(() -> {
                            while (s.next() != null) {
                                // read to the cut
                            }
                        })
                        .isInstanceOf(dev.keel.core.error.StreamTruncatedException.class);
            }

            String scrape = registry.scrape();
            String host = emulator.baseUrl().getHost();
            String port = String.valueOf(emulator.port());
            String labels = "error_type=\"%s\",gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\","
                    + "gen_ai_request_model=\"gpt-4.1-mini\",gen_ai_response_model=\"%s\","
                    + "server_address=\"" + host + "\",server_port=\"" + port + "\",traffic_class=\"online\"";
            assertThat(value(
                            scrape,
                            "gen_ai_client_operation_duration_seconds_count{" + labels.formatted("", "gpt-4.1-mini")
                                    + "}"))
                    .isEqualTo(1);
            assertThat(value(
                            scrape,
                            "gen_ai_client_operation_duration_seconds_count{" + labels.formatted("stream_truncated", "")
                                    + "}"))
                    .isEqualTo(1);
            assertThat(value(
                            scrape,
                            "openai_tokens_total{kind=\"output\",model=\"gpt-4.1-mini\",traffic_class=\"online\"}"))
                    .as("the finished stream's terminal usage; the cut one has none")
                    .isEqualTo(last.at("/response/usage/output_tokens").asLong())
                    .isPositive();
        }
    }

    private static String type(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^# TYPE " + Pattern.quote(name) + " (\\w+)$")
                .matcher(scrape);
        return m.find() ? m.group(1) : null;
    }

    private static String help(String scrape, String name) {
        Matcher m =
                Pattern.compile("(?m)^# HELP " + Pattern.quote(name) + " (.*)$").matcher(scrape);
        return m.find() ? m.group(1) : null;
    }

    private static List<String> names(String scrape, String prefix) {
        return scrape.lines()
                .filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()).split(" ")[0])
                .toList();
    }

    /** The value of the sample written exactly as {@code series}; fails when it is absent. */
    private static double value(String scrape, String series) {
        return scrape.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(
                        l -> Double.parseDouble(l.substring(series.length() + 1).split(" ")[0]))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + grep(scrape, series)));
    }

    private static String grep(String scrape, String series) {
        String name = series.substring(0, series.indexOf('{'));
        return String.join("\n", scrape.lines().filter(l -> l.startsWith(name)).toList());
    }

    /** The {@code le} bounds of a histogram's buckets whose other labels are {@code labels}, in order. */
    private static List<Double> bucketBounds(String scrape, String bucket, String labels) {
        var out = new ArrayList<Double>();
        Pattern le = Pattern.compile("le=\"([^\"]+)\"");
        for (String line :
                scrape.lines().filter(l -> l.startsWith(bucket + "{")).toList()) {
            String inner = line.substring(bucket.length() + 1, line.indexOf('}'));
            Matcher m = le.matcher(inner);
            if (!m.find()) {
                continue;
            }
            String rest = Arrays.stream(inner.split(",(?=[a-z_]+=\")"))
                    .filter(p -> !p.startsWith("le="))
                    .reduce((a, b) -> a + "," + b)
                    .orElse("");
            if (rest.equals(labels)) {
                String v = m.group(1);
                out.add(v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v));
            }
        }
        return out;
    }
}
