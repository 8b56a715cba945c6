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
