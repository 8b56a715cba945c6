package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel gateway} run in-process in sandbox mode (no key: the embedded emulator), called with
 * curl — a real client — over a real socket; and {@code keel gateway key} making an entry that the
 * gateway accepts.
 */
class GatewayCommandTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    @Test
    void gateway_inSandbox_servesCurl_withAKeyMadeByGatewayKey() throws Exception {
        assertThat(cli.run("gateway", "key", "--id", "ci", "--team", "platform"))
                .as("stderr: %s", cli.err())
                .isZero();
        var secret = Pattern.compile("secret: (keel-\\S+)").matcher(cli.out());
        var entry = Pattern.compile("entry:  (\\{.*})").matcher(cli.out());
        assertThat(secret.find() && entry.find()).as(cli.out()).isTrue();
        assertThat(entry.group(1)).doesNotContain(secret.group(1));
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [" + entry.group(1) + "]}");

        var gateway = new GatewayCommand();
        gateway.env = Map.of();
        var exit = cli.start(gateway, "--keys", keys.toString(), "--port", "0");
        await().atMost(Duration.ofSeconds(30)).until(() -> cli.out().contains("listening on") || exit.isDone());
        var base = Pattern.compile("listening on (http://\\S+) ").matcher(cli.out());
        assertThat(base.find()).as("gateway started; stderr: %s", cli.err()).isTrue();
        assertThat(cli.err()).contains("embedded emulator");
        try {
            var ok = curl(
                    base.group(1) + "/responses", secret.group(1), "{\"model\":\"gpt-4.1-mini\",\"input\":\"Hi\"}");
            assertThat(ok).contains("HTTP/1.1 200").containsIgnoringCase("x-keel-attempts: 1");
            assertThat(Json.parse(ok.substring(ok.indexOf("\r\n\r\n") + 4))
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            var stream = curl(
                    base.group(1) + "/chat/completions",
                    secret.group(1),
                    "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true}");
            assertThat(stream).contains("data: [DONE]");
            var refused = curl(base.group(1) + "/responses", "keel-unknown", "{}");
            assertThat(refused).contains("HTTP/1.1 401").contains("invalid_api_key");
        } finally {
            gateway.stop.countDown();
            assertThat(exit.get()).isZero();
        }
    }

    @Test
    void serve_withGatewayKeys_runsTheGatewayInTheSameProcess() throws Exception {
        assertThat(cli.run("gateway", "key", "--id", "svc")).isZero();
        var secret = Pattern.compile("secret: (keel-\\S+)").matcher(cli.out());
        var entry = Pattern.compile("entry:  (\\{.*})").matcher(cli.out());
        assertThat(secret.find() && entry.find()).isTrue();
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [" + entry.group(1) + "]}");
        var serve = new ServeCommand();
        serve.env = Map.of();
        var exit = cli.start(serve, "--port", "0", "--gateway-keys", keys.toString(), "--gateway-port", "0");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> cli.out().contains("keel gateway listening on") || exit.isDone());
        var base = Pattern.compile("keel gateway listening on (http://\\S+) ").matcher(cli.out());
        assertThat(base.find()).as("gateway started; stderr: %s", cli.err()).isTrue();
        try {
            var ok = curl(
                    base.group(1) + "/responses", secret.group(1), "{\"model\":\"gpt-4.1-mini\",\"input\":\"Hi\"}");
            assertThat(ok).contains("HTTP/1.1 200").containsIgnoringCase("x-keel-attempts: 1");
        } finally {
            serve.stop.countDown();
            assertThat(exit.get()).isZero();
        }
    }

    @Test
    void gateway_takesItsSectionFromKeelYaml_andConfigShowListsIt() throws Exception {
        assertThat(cli.run("gateway", "key", "--id", "svc")).isZero();
        var secret = Pattern.compile("secret: (keel-\\S+)").matcher(cli.out());
        var entry = Pattern.compile("entry:  (\\{.*})").matcher(cli.out());
        assertThat(secret.find() && entry.find()).isTrue();
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [" + entry.group(1) + "]}");
        Path yaml = dir.resolve("keel.yaml");
        Files.writeString(
                yaml,
                "gateway:\n  keys: " + keys + "\n  port: 0\n  max-body: 2KB\n  key-defaults:\n"
                        + "    requests-per-minute: 1\n");
        var gateway = new GatewayCommand();
        gateway.env = Map.of();
        var exit = cli.start(gateway, "--config", yaml.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> cli.out().contains("listening on") || exit.isDone());
        var base = Pattern.compile("listening on (http://\\S+) ").matcher(cli.out());
        assertThat(base.find()).as("gateway started; stderr: %s", cli.err()).isTrue();
        try {
            var tooLarge =
                    curl(base.group(1) + "/responses", secret.group(1), "{\"input\":\"" + "x".repeat(3000) + "\"}");
            assertThat(tooLarge).contains("HTTP/1.1 413");
            var ok = curl(
                    base.group(1) + "/responses", secret.group(1), "{\"model\":\"gpt-4.1-mini\",\"input\":\"Hi\"}");
            assertThat(ok).contains("HTTP/1.1 200");
            // the key leaves requests_per_minute out: gateway.key-defaults.requests-per-minute (1) holds it
            var limited = curl(
                    base.group(1) + "/responses", secret.group(1), "{\"model\":\"gpt-4.1-mini\",\"input\":\"Hi\"}");
            assertThat(limited).contains("HTTP/1.1 429").contains("keel_rate_limited");
        } finally {
            gateway.stop.countDown();
            assertThat(exit.get()).isZero();
        }
        assertThat(cli.run("config", "show", "--config", yaml.toString()))
                .as("stderr: %s", cli.err())
                .isZero();
        assertThat(cli.out())
                .containsPattern("gateway\\.port\\s+0\\s+" + Pattern.quote(yaml.toString()) + ":3")
                .containsPattern("gateway\\.max-body\\s+2KB")
                .containsPattern("gateway\\.key-defaults\\.requests-per-minute\\s+1")
                .containsPattern("gateway\\.body-timeout\\s+10s");
    }

    @Test
    void gateway_flagsBeatTheFile_andItsDefaultOutputTokensIsNotTheBatchKey() throws Exception {
        Path yaml = dir.resolve("keel.yaml");
        Files.writeString(yaml, "gateway:\n  port: 9001\n");
        var gateway = cli.parse(
                new GatewayCommand(),
                "--config",
                yaml.toString(),
                "--port",
                "0",
                "--default-output-tokens",
                "77",
                "--max-body",
                "4KB");
        var cfg = gateway.config.load(Map.of());
        assertThat(cfg.get(dev.keel.config.Settings.GATEWAY_PORT)).isZero();
        assertThat(cfg.origin(dev.keel.config.Settings.GATEWAY_PORT).toString()).contains("--port");
        assertThat(cfg.get(dev.keel.config.Settings.GATEWAY_OUTPUT_TOKENS)).isEqualTo(77);
        assertThat(cfg.get(dev.keel.config.Settings.BATCH_OUTPUT_TOKENS)).isEqualTo(1024);
        assertThat(cfg.get(dev.keel.config.Settings.GATEWAY_MAX_BODY)).isEqualTo(4096L);
        assertThat(cfg.get(dev.keel.config.Settings.SERVE_PORT)).isEqualTo(8787);
    }

    @Test
    void gateway_withAMalformedKeysFile_namesTheFileLineAndField() throws Exception {
        Path keys = dir.resolve("bad.json");
        Files.writeString(
                keys,
                "{\"keys\": [\n  {\"id\": \"a\", \"sha256\": \"" + "0".repeat(64) + "\",\n   \"daily_usdd\": 5}\n]}");
        var gateway = new GatewayCommand();
        gateway.env = Map.of();
        int code = cli.run(gateway, "--keys", keys.toString(), "--port", "0");
        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("bad.json:3").contains("daily_usdd").contains("daily_usd");
    }

    private static String curl(String url, String key, String json) throws Exception {
        var cmd = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "-i",
                "--http1.1",
                "-m",
                "20",
                "-H",
                "Authorization: Bearer " + key,
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                json,
                url));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("curl: %s", text).isZero();
        return text;
    }
}
