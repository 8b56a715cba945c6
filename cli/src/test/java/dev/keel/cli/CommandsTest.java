package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keel.core.testing.Http11Server;
import dev.keel.emulator.Emulator;
import dev.keel.wire.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** keel call, serve and doctor, run in-process with the real command line. */
class CommandsTest {

    private final CliHarness cli = new CliHarness();

    @Test
    void call_noKey_runsAgainstTheEmbeddedEmulatorAndSaysSo() {
        var call = new CallCommand();
        call.env = Map.of();
        assertThat(cli.run(call, "Say hello")).isZero();
        assertThat(cli.err()).containsOnlyOnce("using the embedded emulator at http://127.0.0.1:");
        String[] lines = cli.out().strip().split("\n");
        assertThat(lines[0]).startsWith("Emulated reply to \"Say hello\":");
        assertThat(lines[1]).contains("attempts=1", "status=200", "protocol=HTTP/2.0", "connect=", "first_byte=");
    }

    @Test
    void call_baseUrlAndKey_usesThatServerAndNeverPrintsTheKey() {
        try (var emulator = Emulator.start()) {
            var call = new CallCommand();
            call.env = Map.of(
                    "OPENAI_API_KEY",
                    "sk-proj-test-secret-0123456789abcdef",
                    "OPENAI_BASE_URL",
                    emulator.baseUrl().toString());
            assertThat(cli.run(call, "--model", "gpt-4o", "Hi there")).isZero();
            assertThat(cli.err()).doesNotContain("embedded emulator");
            assertThat(emulator.requests("POST", "/v1/responses").get(0).header("authorization"))
                    .contains("Bearer sk-proj-test-secret-0123456789abcdef");
            assertThat(cli.out() + cli.err()).doesNotContain("sk-proj-test-secret");
        }
    }

    private static final String RESPONSE = "{\"id\":\"resp_1\",\"object\":\"response\",\"model\":\"gpt-4.1-mini\","
            + "\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"output_text\",\"text\":\"Hello from a plain server\"}]}],"
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"total_tokens\":7}}";

    @Test
    void call_baseUrlOfAnHttp11OnlyServer_worksWithNoFlag() {
        try (var server = Http11Server.start(Http11Server.Answer.json(200, RESPONSE))) {
            var call = new CallCommand();
            call.env = Map.of();
            assertThat(cli.run(call, "--base-url", server.baseUrl().toString(), "Hi"))
                    .isZero();
            String[] lines = cli.out().strip().split("\n");
            assertThat(lines[0]).isEqualTo("Hello from a plain server");
            assertThat(lines[1]).contains("status=200", "protocol=HTTP/1.1");
            assertThat(server.requests())
                    .singleElement()
                    .satisfies(r -> assertThat(r.protocol()).isEqualTo("HTTP/1.1"));
            assertThat(cli.err()).doesNotContain("frame_size_error", "embedded emulator");
        }
    }

    @Test
    void call_serverAnswers422ProblemJson_exits2ShowingWhatItSaid() {
        var problem = new Http11Server.Answer(
                422,
                "application/problem+json",
                "{\"title\":\"Unprocessable Entity\",\"detail\":\"unknown model 'gpt-4.1-mini'\"}",
                Map.of());
        try (var server = Http11Server.start(problem)) {
            var call = new CallCommand();
            call.env = Map.of();
            assertThat(cli.run(call, "--base-url", server.baseUrl().toString(), "Hi"))
                    .isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(cli.err().strip())
                    .isEqualTo("keel: POST /responses: HTTP 422: Unprocessable Entity: unknown model 'gpt-4.1-mini'");
        }
    }

    @Test
    void call_h2cFlag_speaksCleartextHttp2ToAServerThatSupportsIt() {
        try (var emulator = Emulator.start()) {
            var call = new CallCommand();
            call.env = Map.of();
            assertThat(cli.run(call, "--base-url", emulator.baseUrl().toString(), "--h2c", "Hi"))
                    .isZero();
            assertThat(cli.out()).contains("protocol=HTTP/2.0");
        }
    }

    @Test
    void call_baseUrlOfTheEmulatorWithoutH2c_speaksHttp11() {
        try (var emulator = Emulator.start()) {
            var call = new CallCommand();
            call.env = Map.of();
            assertThat(cli.run(call, "--base-url", emulator.baseUrl().toString(), "Hi"))
                    .isZero();
            assertThat(cli.out()).contains("protocol=HTTP/1.1");
        }
    }

    @Test
    void call_upstreamDown_exits3WithOneLine() {
        var call = new CallCommand();
        call.env = Map.of("OPENAI_API_KEY", "sk-x", "OPENAI_BASE_URL", "http://127.0.0.1:1/v1");
        assertThat(cli.run(call, "--business-timeout", "2s", "--per-call-timeout", "1s", "hello"))
                .isEqualTo(ExitCodes.UPSTREAM_UNAVAILABLE);
        assertThat(cli.err().strip().lines()).hasSize(1).first().asString().startsWith("keel: POST /responses:");
    }

    @Test
    void call_badFlag_isRefusedBeforeTheEmulatorStarts() {
        var call = new CallCommand();
        call.env = Map.of();
        assertThat(cli.run(call, "--business-timeout", "5", "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("Invalid value for option '--business-timeout': '5' is not a duration; use e.g. 30s, 250ms,"
                        + " 5m")
                .doesNotContain("embedded emulator");
    }

    @Test
    void call_noKeyWithNoSandbox_exits2InsteadOfEmulating() {
        var call = new CallCommand();
        call.env = Map.of();
        assertThat(cli.run(call, "--no-sandbox", "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("no OPENAI_API_KEY", "--no-sandbox")
                .doesNotContain("using the embedded emulator");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void call_noKeyWithKeelRequireApiKey_exits2InsteadOfEmulating() {
        var call = new CallCommand();
        call.env = Map.of("KEEL_REQUIRE_API_KEY", "1", "OPENAI_API_KEY", "");
        assertThat(cli.run(call, "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("KEEL_REQUIRE_API_KEY=1").doesNotContain("using the embedded emulator");
    }

    @Test
    void call_emptyBaseUrlVariable_countsAsUnset() {
        var call = new CallCommand();
        call.env = Map.of("OPENAI_BASE_URL", "");
        assertThat(cli.run(call, "hi")).isZero();
        assertThat(cli.err()).contains("using the embedded emulator");
    }

    @Test
    void call_baseUrlVariableNotAUrl_isNamed() {
        var call = new CallCommand();
        call.env = Map.of("OPENAI_API_KEY", "sk-x", "OPENAI_BASE_URL", "localhost:8080");
        assertThat(cli.run(call, "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("env OPENAI_BASE_URL: upstream.base-url: must be a URL such as https://api.openai.com/v1"
                        + " (it needs an http:// or https:// scheme), was 'localhost:8080'");
        var again = new CallCommand();
        again.env = Map.of("OPENAI_API_KEY", "sk-x");
        assertThat(cli.run(again, "--base-url", "example.com/v1", "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("flag --base-url: upstream.base-url: must be a URL", "was 'example.com/v1'");
    }

    @Test
    void call_perCallNotShorterThanBusiness_exits2NamingBoth() {
        var call = new CallCommand();
        call.env = Map.of();
        assertThat(cli.run(call, "--business-timeout", "10s", "--per-call-timeout", "10s", "x"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("keel: flag --per-call-timeout: timeouts.per-call: must be shorter than timeouts.business"
                        + " (10s, flag --business-timeout), was 10s");
    }

    @Test
    void doctorTimeouts_invertedChain_exits1AndNamesEachPair() {
        assertThat(cli.run(new DoctorCommand(), "timeouts", "--gateway", "20s", "--service", "25s", "--client", "30s"))
                .isEqualTo(1);
        assertThat(cli.out())
                .contains(
                        "FAIL gateway (20s) is shorter than service (25s)",
                        "FAIL service (25s) is shorter than client (30s)");
    }

    @Test
    void doctorTimeouts_soundChain_exits0() {
        assertThat(cli.run(
                        new DoctorCommand(),
                        "timeouts",
                        "--gateway",
                        "40s",
                        "--service",
                        "32s",
                        "--client",
                        "30s",
                        "--layer",
                        "db=5s"))
                .isZero();
        assertThat(cli.out()).contains("OK gateway 40s > service 32s > client 30s > db 5s");
    }

    @Test
    void serve_exposesMetricsRedactedConfigAndHealth() throws Exception {
        var serve = new ServeCommand();
        serve.env = Map.of(
                "OPENAI_API_KEY", "sk-proj-test-serve-secret-abcdef0123", "OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        CompletableFuture<Integer> exit = cli.start(serve, "--port", "0");
        await().atMost(Duration.ofSeconds(20)).until(() -> cli.out().contains("listening on"));
        var m = Pattern.compile("listening on (http://\\S+) ").matcher(cli.out());
        assertThat(m.find()).isTrue();
        String base = m.group(1);
        String config = get(base + "/debug/config");
        assertThat(config).doesNotContain("sk-proj-test-serve-secret").contains("<redacted sha256:");
        assertThat(Json.parse(config).at("/timeouts/business").asText()).isEqualTo("30s");
        assertThat(Json.parse(config).at("/upstream/mode").asText()).isEqualTo("custom");
        assertThat(get(base + "/metrics"))
                .contains("openai_inflight", "openai_error_budget_burn_rate", "openai_timeout_total");
        assertThat(Json.parse(get(base + "/healthz")).get("status").asText()).isEqualTo("ok");
        serve.stop.countDown();
        assertThat(exit.get()).isZero();
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
