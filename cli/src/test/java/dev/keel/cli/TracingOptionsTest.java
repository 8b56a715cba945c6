package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.testing.Http11Server;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void batchRun_withOtlpEndpoint_exportsTheRunSpanTheChunkStepSpansAndTheCallsUnderThem(@TempDir Path dir)
            throws Exception {
        try (var emulator = Emulator.start(
                        EmulatorConfig.builder().batchSpeed(20_000).build());
                var collector = Http11Server.start(Http11Server.Answer.json(200, "{}"))) {
            Path in = dir.resolve("in.jsonl");
            Files.writeString(
                    in,
                    "{\"custom_id\":\"t-1\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                            + "{\"model\":\"gpt-4.1-mini\",\"input\":\"a secret ticket\",\"max_output_tokens\":20}}\n");
            int code = cli.run(
                    "batch",
                    "run",
                    in.toString(),
                    "--db",
                    "jdbc:sqlite:" + dir.resolve("keel.db"),
                    "--run-dir",
                    dir.resolve("runs").toString(),
                    "--base-url",
                    emulator.baseUrl().toString(),
                    "--poll-interval",
                    "20ms",
                    "--otlp-endpoint",
                    collectorUrl(collector));
            assertThat(code).as(cli.err()).isZero();
            String exported = String.join(
                    "",
                    collector.requests().stream().map(Http11Server.Seen::body).toList());
            assertThat(exported)
                    .contains("keel-batch", "batch run", "batch upload", "batch create", "batch poll", "batch collect")
                    .contains("keel.batch.run_id", "keel.batch.chunk", "POST /files", "POST /batches")
                    .doesNotContain("a secret ticket");
            assertThat(emulator.requests("POST", "/v1/batches").get(0).header("traceparent"))
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
