package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keel.wire.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code keel gateway} run in-process in sandbox mode (no key: the embedded emulator), called with
 * curl — a real client — over a real socket; and {@code keel gateway key} making an entry that the
 * gateway accepts.
 */
class GatewayCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(CommandLine cl, String... args) {
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl.execute(args);
    }

    @Test
    void gateway_inSandbox_servesCurl_withAKeyMadeByGatewayKey() throws Exception {
        assertThat(run(Main.commandLine(), "gateway", "key", "--id", "ci", "--team", "platform"))
                .as("stderr: %s", err)
                .isZero();
        var secret = Pattern.compile("secret: (keel-\\S+)").matcher(out.toString());
        var entry = Pattern.compile("entry:  (\\{.*})").matcher(out.toString());
        assertThat(secret.find() && entry.find()).as(out.toString()).isTrue();
        assertThat(entry.group(1)).doesNotContain(secret.group(1));
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [" + entry.group(1) + "]}");

        out.getBuffer().setLength(0);
        var gateway = new GatewayCommand();
        gateway.env = Map.of();
        var cl = new CommandLine(gateway);
        var exit = CompletableFuture.supplyAsync(() -> run(cl, "--keys", keys.toString(), "--port", "0"));
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("listening on") || exit.isDone());
        var base = Pattern.compile("listening on (http://\\S+) ").matcher(out.toString());
        assertThat(base.find()).as("gateway started; stderr: %s", err).isTrue();
        assertThat(err.toString()).contains("embedded emulator");
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
        assertThat(run(Main.commandLine(), "gateway", "key", "--id", "svc")).isZero();
        var secret = Pattern.compile("secret: (keel-\\S+)").matcher(out.toString());
        var entry = Pattern.compile("entry:  (\\{.*})").matcher(out.toString());
        assertThat(secret.find() && entry.find()).isTrue();
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [" + entry.group(1) + "]}");
        out.getBuffer().setLength(0);
        var serve = new ServeCommand();
        serve.env = Map.of();
        var cl = new CommandLine(serve);
        var exit = CompletableFuture.supplyAsync(
                () -> run(cl, "--port", "0", "--gateway-keys", keys.toString(), "--gateway-port", "0"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> out.toString().contains("keel gateway listening on") || exit.isDone());
        var base = Pattern.compile("keel gateway listening on (http://\\S+) ").matcher(out.toString());
        assertThat(base.find()).as("gateway started; stderr: %s", err).isTrue();
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
        assertThat(run(Main.commandLine(), "gateway", "key", "--id", "svc")).isZero();
        var secret = Pattern.compile("secret: (keel-\\S+)").matcher(out.toString());
        var entry = Pattern.compile("entry:  (\\{.*})").matcher(out.toString());
        assertThat(secret.find() && entry.find()).isTrue();
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [" + entry.group(1) + "]}");
        Path yaml = dir.resolve("keel.yaml");
        Files.writeString(
                yaml,
                "gateway:\n  keys: " + keys + "\n  port: 0\n  max-body: 2KB\n  key-defaults:\n"
                        + "    requests-per-minute: 1\n");
        out.getBuffer().setLength(0);
        var gateway = new GatewayCommand();
        gateway.env = Map.of();
        var cl = new CommandLine(gateway);
        var exit = CompletableFuture.supplyAsync(() -> run(cl, "--config", yaml.toString()));
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("listening on") || exit.isDone());
        var base = Pattern.compile("listening on (http://\\S+) ").matcher(out.toString());
        assertThat(base.find()).as("gateway started; stderr: %s", err).isTrue();
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
        out.getBuffer().setLength(0);
        assertThat(run(Main.commandLine(), "config", "show", "--config", yaml.toString()))
                .as("stderr: %s", err)
                .isZero();
        assertThat(out.toString())
                .containsPattern("gateway\\.port\\s+0\\s+" + Pattern.quote(yaml.toString()) + ":3")
                .containsPattern("gateway\\.max-body\\s+2KB")
                .containsPattern("gateway\\.key-defaults\\.requests-per-minute\\s+1")
                .containsPattern("gateway\\.body-timeout\\s+10s");
    }

    @Test
    void gateway_flagsBeatTheFile_andItsDefaultOutputTokensIsNotTheBatchKey() throws Exception {
        Path yaml = dir.resolve("keel.yaml");
        Files.writeString(yaml, "gateway:\n  port: 9001\n");
        var gateway = new GatewayCommand();
        var cl = new CommandLine(gateway);
        cl.parseArgs("--config", yaml.toString(), "--port", "0", "--default-output-tokens", "77", "--max-body", "4KB");
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
        int code = run(new CommandLine(gateway), "--keys", keys.toString(), "--port", "0");
        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("bad.json:3").contains("daily_usdd").contains("daily_usd");
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
