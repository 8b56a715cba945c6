package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
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

/** keel realtime demo and the sidecar's realtime token route, run in-process with the real command line. */
class RealtimeCommandsTest {

    private final CliHarness cli = new CliHarness();

    @Test
    void realtimeDemo_againstTheEmulator_showsBargeInRecoveryAndALatencyRowPerTurn() {
        var demo = new RealtimeDemoCommand();
        demo.env = Map.of();
        assertThat(cli.run(demo)).isZero();
        String text = cli.out();
        assertThat(cli.err()).contains("using the embedded emulator");
        assertThat(text)
                .contains("IDLE       -> LISTENING   connected")
                .contains("SPEAKING   -> CANCELLING  speech_started")
                .contains("interrupt: response.cancel left")
                .contains("LISTENING  -> RECOVERING  network_switch")
                .contains("recovered (network_switch): same token, summary replayed")
                .contains("Latency per turn")
                .contains("OVER: playback") // turn 4 plays through a 300 ms player buffer
                .doesNotContain("FAILED")
                .doesNotContain("server error");
        assertThat(Pattern.compile("(?m)^  [1-4] +\\d").matcher(text).results().count())
                .isEqualTo(4);
    }

    @Test
    void emulatorCommand_realtimeOptions_setThePaceAndTheSessionLimit() {
        var command = new EmulatorCommand();
        cli.parse(command, "--realtime-pace", "4", "--realtime-max-session", "90s");
        var realtime = command.config().realtime();
        assertThat(realtime.audioPace()).isEqualTo(4.0);
        assertThat(realtime.maxSessionDuration()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void realtimeHelp_listsTheDemo() {
        assertThat(Main.run("realtime", "--help")).isZero();
        assertThat(cli.run(new RealtimeCommand())).isZero();
        assertThat(cli.out()).contains("demo");
    }

    @Test
    void serveTokenRoute_authenticatesRateLimitsAndNeverExposesSecrets() throws Exception {
        try (var emulator = Emulator.start(
                EmulatorConfig.builder().requiredKey("sk-test-serve-rt").build())) {
            var serve = new ServeCommand();
            serve.env = Map.of(
                    "OPENAI_API_KEY",
                    "sk-test-serve-rt",
                    "OPENAI_BASE_URL",
                    emulator.baseUrl().toString());
            CompletableFuture<Integer> exit =
                    cli.start(serve, "--port", "0", "--app-token", "app-secret-1=alice", "--token-rate", "2");
            await().atMost(Duration.ofSeconds(20)).until(() -> cli.out().contains("listening on"));
            var m = Pattern.compile("listening on (http://\\S+) ").matcher(cli.out());
            assertThat(m.find()).isTrue();
            String base = m.group(1);

            HttpResponse<String> ok = post(base, "app-secret-1", "{\"expires_after\":{\"seconds\":120}}");
            assertThat(ok.statusCode()).isEqualTo(200);
            var body = Json.parse(ok.body());
            String value = body.get("value").asText();
            assertThat(value).startsWith("ek_");
            assertThat(body.get("rotate_at").asLong())
                    .isEqualTo(body.get("expires_at").asLong() - 30);

            assertThat(post(base, "wrong", "{}").statusCode()).isEqualTo(401);
            assertThat(post(base, "app-secret-1", "{\"expires_after\":{\"seconds\":30}}")
                            .statusCode())
                    .isEqualTo(400);
            HttpResponse<String> limited = post(base, "app-secret-1", "{}");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).isPresent();

            String config = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/debug/config"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(config)
                    .doesNotContain("app-secret-1")
                    .doesNotContain("sk-test-serve-rt")
                    .doesNotContain(value);
            assertThat(Json.parse(config).at("/realtime_token/app_tokens").asInt())
                    .isEqualTo(1);
            assertThat(cli.out() + cli.err()).doesNotContain(value).doesNotContain("sk-test-serve-rt");
            serve.stop.countDown();
            assertThat(exit.get()).isZero();
        }
    }

    private static HttpResponse<String> post(String base, String appToken, String json) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/realtime/token"))
                                .header("Authorization", "Bearer " + appToken)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
