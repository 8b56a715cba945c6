package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.testing.Http11Server;
import dev.keel.emulator.Emulator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --otlp-endpoint} / {@code OTEL_EXPORTER_OTLP_ENDPOINT}: with either, the call's spans reach
 * the collector over OTLP/HTTP and the upstream sees a {@code traceparent}; with neither, nothing is
 * traced. The collector is a plain HTTP server on a real socket that records what it receives.
 */
class TracingOptionsTest {

    private final CliHarness cli = new CliHarness();

    private static String collectorUrl(Http11Server collector) {
        return "http://127.0.0.1:" + collector.baseUrl().getPort();
    }

    @Test
    void otlpEndpointFlag_sendsTheCallSpansToTheCollector_andTraceparentUpstream_withoutThePrompt() {
        try (var emulator = Emulator.start();
                var collector = Http11Server.start(Http11Server.Answer.json(200, "{}"))) {
            var call = new CallCommand();
            call.env = Map.of(
                    "OPENAI_API_KEY",
                    "sk-test-otlp",
                    "OPENAI_BASE_URL",
                    emulator.baseUrl().toString());
            assertThat(cli.run(call, "--otlp-endpoint", collectorUrl(collector), "Tell me a secret word"))
                    .isZero();

            assertThat(collector.requests()).isNotEmpty().allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/v1/traces");
            });
            String exported = String.join(
                    "",
                    collector.requests().stream().map(Http11Server.Seen::body).toList());
            assertThat(exported)
                    .contains("chat gpt-4.1-mini", "gen_ai.provider.name", "openai", "gen_ai.usage.output_tokens")
                    .doesNotContain("Tell me a secret word")
                    .doesNotContain("sk-test-otlp");
            assertThat(emulator.requests("POST", "/v1/responses").get(0).header("traceparent"))
                    .hasValueSatisfying(v -> assertThat(v).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]"));
        }
    }

    @Test
    void otelExporterOtlpEndpointVariable_switchesTracingOnToo() {
        try (var emulator = Emulator.start();
                var collector = Http11Server.start(Http11Server.Answer.json(200, "{}"))) {
            var call = new CallCommand();
            call.env = Map.of(
                    "OPENAI_API_KEY",
                    "sk-test-otlp",
                    "OPENAI_BASE_URL",
                    emulator.baseUrl().toString(),
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    collectorUrl(collector) + "/");
            assertThat(cli.run(call, "Hi")).isZero();
            assertThat(collector.requests()).extracting(Http11Server.Seen::path).contains("/v1/traces");
            assertThat(emulator.requests("POST", "/v1/responses").get(0).header("traceparent"))
                    .isPresent();
        }
    }

    @Test
    void noEndpoint_tracesNothing_andSendsNoTraceparent() {
        try (var emulator = Emulator.start()) {
            var call = new CallCommand();
            call.env = Map.of(
                    "OPENAI_API_KEY",
                    "sk-test-otlp",
                    "OPENAI_BASE_URL",
                    emulator.baseUrl().toString());
            assertThat(cli.run(call, "Hi")).isZero();
            assertThat(emulator.requests("POST", "/v1/responses").get(0).header("traceparent"))
                    .isEmpty();
        }
    }

    @Test
    void badEndpoint_isRefusedNamingTheFlag() {
        var call = new CallCommand();
        call.env = Map.of();
        assertThat(cli.run(call, "--otlp-endpoint", "collector:4318", "Hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("--otlp-endpoint='collector:4318'", "http://");
    }
}
