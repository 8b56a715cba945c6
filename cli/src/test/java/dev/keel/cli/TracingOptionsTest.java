package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keel.core.testing.Http11Server;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --otlp-endpoint} / {@code OTEL_EXPORTER_OTLP_ENDPOINT}: with either, the call's spans reach
 * the collector over OTLP/HTTP and the upstream sees a {@code traceparent}; with neither, nothing is
 * traced. The collector is a plain HTTP server on a real socket that records what it receives.
 */
class TracingOptionsTest {

    private final CliHarness cli = new CliHarness();

    /** Everything the collector received, the bodies one after another. */
    private static String exported(Http11Server collector) {
        return String.join(
                "", collector.requests().stream().map(Http11Server.Seen::body).toList());
    }

    /** A one-line batch input whose prompt must never show up in a span. */
    private static Path secretTicket(Path dir) throws java.io.IOException {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(
                in,
                "{\"custom_id\":\"t-1\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                        + "{\"model\":\"gpt-4.1-mini\",\"input\":\"a secret ticket\",\"max_output_tokens\":20}}\n");
        return in;
    }

    /** {@code keel call} with a key and {@code emulator} as its upstream. */
    private static CallCommand callOn(Emulator emulator) {
        var call = new CallCommand();
        call.env = Map.of(
                "OPENAI_API_KEY",
                "sk-test-otlp",
                "OPENAI_BASE_URL",
                emulator.baseUrl().toString());
        return call;
    }

    private static String collectorUrl(Http11Server collector) {
        return "http://127.0.0.1:" + collector.baseUrl().getPort();
    }

    @Test
    void otlpEndpointFlag_sendsTheCallSpansToTheCollector_andTraceparentUpstream_withoutThePrompt() {
        try (var emulator = Emulator.start();
                var collector = Http11Server.start(Http11Server.Answer.json(200, "{}"))) {
            var call = callOn(emulator);
            assertThat(cli.run(call, "--otlp-endpoint", collectorUrl(collector), "Tell me a secret word"))
                    .isZero();

            assertThat(collector.requests()).isNotEmpty().allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/v1/traces");
            });
            String spans = exported(collector);
            assertThat(spans)
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
            Path in = secretTicket(dir);
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
            String spans = exported(collector);
            assertThat(spans)
                    .contains("keel-batch", "batch run", "batch upload", "batch create", "batch poll", "batch collect")
                    .contains("keel.batch.run_id", "keel.batch.chunk", "POST /files", "POST /batches")
                    .doesNotContain("a secret ticket");
            assertThat(emulator.requests("POST", "/v1/batches").get(0).header("traceparent"))
                    .isPresent();
        }
    }

    @Test
    void gateway_withOtlpEndpoint_continuesTheClientsTrace_andExportsItsCallSpan(@TempDir Path dir) throws Exception {
        try (var emulator = Emulator.start();
                var collector = Http11Server.start(Http11Server.Answer.json(200, "{}"))) {
            assertThat(cli.run("gateway", "key", "--id", "traced"))
                    .as(cli.err())
                    .isZero();
            var secret = Pattern.compile("secret: (keel-\\S+)").matcher(cli.out());
            var entry = Pattern.compile("entry:  (\\{.*})").matcher(cli.out());
            assertThat(secret.find() && entry.find()).as(cli.out()).isTrue();
            Path keys = dir.resolve("keys.json");
            Files.writeString(keys, "{\"keys\": [" + entry.group(1) + "]}");

            var gateway = new GatewayCommand();
            gateway.env = Map.of(
                    "OPENAI_API_KEY",
                    "sk-test-otlp",
                    "OPENAI_BASE_URL",
                    emulator.baseUrl().toString());
            var exit = cli.start(
                    gateway, "--keys", keys.toString(), "--port", "0", "--otlp-endpoint", collectorUrl(collector));
            await().atMost(Duration.ofSeconds(30)).until(() -> cli.out().contains("listening on") || exit.isDone());
            var base = Pattern.compile("listening on (http://\\S+) ").matcher(cli.out());
            assertThat(base.find()).as("gateway started; stderr: %s", cli.err()).isTrue();
            String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
            try (var http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                var answer = http.send(
                        HttpRequest.newBuilder(URI.create(base.group(1) + "/responses"))
                                .header("Authorization", "Bearer " + secret.group(1))
                                .header("Content-Type", "application/json")
                                .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"gpt-4.1-mini\",\"input\":\"a secret word\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            } finally {
                gateway.stop.countDown();
                assertThat(exit.get()).as(cli.err()).isZero();
            }
            // The upstream got keel's span in the client's trace; the spans were flushed when the gateway stopped.
            assertThat(emulator.requests("POST", "/v1/responses").get(0).header("traceparent"))
                    .hasValueSatisfying(v -> assertThat(v)
                            .matches("00-" + trace + "-[0-9a-f]{16}-01")
                            .doesNotContain("00f067aa0ba902b7"));
            String spans = exported(collector);
            assertThat(collector.requests()).extracting(Http11Server.Seen::path).contains("/v1/traces");
            assertThat(spans)
                    .contains("keel-gateway", "chat gpt-4.1-mini", "gen_ai.provider.name")
                    .doesNotContain("a secret word")
                    .doesNotContain("sk-test-otlp")
                    .doesNotContain(secret.group(1));
        }
    }

    @Test
    void batchSubmitAndWorker_withOtlpEndpoint_exportTheirRunSpansAndChunkSteps(@TempDir Path dir) throws Exception {
        try (var emulator = Emulator.start(
                        EmulatorConfig.builder().batchSpeed(20_000).build());
                var submitted = Http11Server.start(Http11Server.Answer.json(200, "{}"));
                var worked = Http11Server.start(Http11Server.Answer.json(200, "{}"))) {
            Path in = secretTicket(dir);
            String db = "jdbc:sqlite:" + dir.resolve("keel.db");
            int code = cli.run(
                    "batch",
                    "submit",
                    in.toString(),
                    "--db",
                    db,
                    "--run-dir",
                    dir.resolve("runs").toString(),
                    "--base-url",
                    emulator.baseUrl().toString(),
                    "--otlp-endpoint",
                    collectorUrl(submitted));
            assertThat(code).as(cli.err()).isZero();
            String spans = exported(submitted);
            assertThat(spans)
                    .contains("keel-batch", "batch run", "batch upload", "batch create", "submitted")
                    .contains("keel.batch.run_id", "POST /files", "POST /batches")
                    .doesNotContain("batch poll")
                    .doesNotContain("a secret ticket");
            assertThat(emulator.requests("POST", "/v1/batches").get(0).header("traceparent"))
                    .isPresent();

            code = cli.run(
                    "batch",
                    "worker",
                    "--db",
                    db,
                    "--base-url",
                    emulator.baseUrl().toString(),
                    "--poll-interval",
                    "20ms",
                    "--otlp-endpoint",
                    collectorUrl(worked));
            assertThat(code).as(cli.err()).isZero();
            spans = exported(worked);
            assertThat(spans)
                    .contains("keel-batch", "batch run", "batch poll", "batch collect", "no_work_left")
                    .contains("keel.batch.resumed", "keel.batch.run_id")
                    .doesNotContain("a secret ticket");
        }
    }

    @Test
    void batchCollect_withOtlpEndpoint_exportsItsRunSpanEndedAsAdvanced_andThePollItMade(@TempDir Path dir)
            throws Exception {
        try (var emulator = Emulator.start(
                        EmulatorConfig.builder().batchSpeed(20_000).build());
                var collector = Http11Server.start(Http11Server.Answer.json(200, "{}"))) {
            Path in = secretTicket(dir);
            String db = "jdbc:sqlite:" + dir.resolve("keel.db");
            String base = emulator.baseUrl().toString();
            int code = cli.run(
                    "batch",
                    "submit",
                    in.toString(),
                    "--db",
                    db,
                    "--run-dir",
                    dir.resolve("runs").toString(),
                    "--base-url",
                    base);
            assertThat(code).as(cli.err()).isZero();
            assertThat(collector.requests()).isEmpty(); // submit was not traced

            code = cli.run(
                    "batch", "collect", "--db", db, "--base-url", base, "--otlp-endpoint", collectorUrl(collector));
            assertThat(code).as(cli.err()).isZero();
            String spans = exported(collector);
            assertThat(spans)
                    .contains("keel-batch", "batch run", "batch poll", "advanced", "keel.batch.run_id")
                    .doesNotContain("batch upload")
                    .doesNotContain("a secret ticket");
            // The poll went upstream with keel's traceparent.
            assertThat(emulator.requests().stream()
                            .filter(r -> r.method().equals("GET") && r.path().startsWith("/v1/batches/"))
                            .findFirst()
                            .orElseThrow()
                            .header("traceparent"))
                    .isPresent();
        }
    }

    @Test
    void noEndpoint_tracesNothing_andSendsNoTraceparent() {
        try (var emulator = Emulator.start()) {
            var call = callOn(emulator);
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
        assertThat(cli.err())
                .contains(
                        "keel: flag --otlp-endpoint: tracing.otlp-endpoint: must be a URL such as http://127.0.0.1:4318"
                                + " (it needs an http:// or https:// scheme), was 'collector:4318'");
    }

    @Test
    void keelYamlTracingSection_switchesTracingOn(@TempDir Path dir) throws Exception {
        try (var emulator = Emulator.start();
                var collector = Http11Server.start(Http11Server.Answer.json(200, "{}"))) {
            Path yaml = dir.resolve("keel.yaml");
            Files.writeString(yaml, "tracing:\n  otlp-endpoint: " + collectorUrl(collector) + "\n");
            var call = callOn(emulator);
            assertThat(cli.run(call, "--config", yaml.toString(), "Hi"))
                    .as(cli.err())
                    .isZero();
            assertThat(exported(collector)).contains("chat gpt-4.1-mini");
            assertThat(emulator.requests("POST", "/v1/responses").get(0).header("traceparent"))
                    .hasValueSatisfying(v -> assertThat(v).endsWith("-01"));
        }
    }

    @Test
    void traceSampleRatio_belowEveryTraceId_recordsNothing_butStillPropagatesTheUnsampledTrace() {
        try (var emulator = Emulator.start();
                var collector = Http11Server.start(Http11Server.Answer.json(200, "{}"))) {
            var call = callOn(emulator);
            // a share of 1e-15: no trace id's low 8 bytes fall under it but those starting with 15 zero digits
            assertThat(cli.run(
                            call,
                            "--otlp-endpoint",
                            collectorUrl(collector),
                            "--trace-sample-ratio",
                            "0.000000000000001",
                            "Hi"))
                    .as(cli.err())
                    .isZero();
            assertThat(collector.requests())
                    .as("nothing sampled, nothing exported")
                    .isEmpty();
            assertThat(emulator.requests("POST", "/v1/responses").get(0).header("traceparent"))
                    .hasValueSatisfying(v -> assertThat(v).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"));
        }
    }

    @Test
    void traceSampleRatioOfZero_isRefusedNamingTheFlagAndTheRange() {
        var call = new CallCommand();
        call.env = Map.of();
        assertThat(cli.run(call, "--otlp-endpoint", "http://127.0.0.1:4318", "--trace-sample-ratio", "0", "Hi"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("keel: flag --trace-sample-ratio: tracing.sample-ratio: must be within (0, 1], was 0");
    }
}
