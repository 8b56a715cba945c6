package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keel config show, the precedence as the CLI applies it, and keel serve's reload, with real files. */
class ConfigCommandTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    private Path file(String yaml) throws Exception {
        return Files.writeString(dir.resolve("keel.yaml"), yaml);
    }

    private JsonNode show(Map<String, String> env, String... args) {
        var show = new ConfigCommand.Show();
        show.env = env;
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--format";
        all[args.length + 1] = "json";
        assertThat(cli.run(show, all)).as(cli.err()).isZero();
        return Json.parse(cli.out());
    }

    private static JsonNode setting(JsonNode doc, String key) {
        for (JsonNode s : doc.get("settings")) {
            if (s.get("key").asText().equals(key)) {
                return s;
            }
        }
        throw new AssertionError("no " + key + " in " + doc);
    }

    @Test
    void show_json_givesEveryKeyWithValueAndSource_secretsRedacted() throws Exception {
        Path f = file("retry:\n  max-attempts: 5\nrealtime:\n  app-tokens:\n    alice: app-secret-9\n");
        JsonNode doc = show(Map.of("OPENAI_API_KEY", "sk-proj-show-secret-1"), "--config", f.toString());
        assertThat(doc.get("file").asText()).isEqualTo(f.toString());
        assertThat(setting(doc, "retry.max-attempts").toString())
                .isEqualTo(
                        "{\"key\":\"retry.max-attempts\",\"value\":\"5\",\"source\":\"" + f + ":2\",\"live\":false}");
        assertThat(setting(doc, "upstream.api-key").get("source").asText()).isEqualTo("env OPENAI_API_KEY");
        assertThat(setting(doc, "upstream.api-key").get("value").asText()).startsWith("<redacted sha256:");
        assertThat(setting(doc, "realtime.app-tokens.alice").get("value").asText())
                .startsWith("<redacted sha256:");
        assertThat(setting(doc, "timeouts.business").toString())
                .isEqualTo("{\"key\":\"timeouts.business\",\"value\":\"30s\",\"source\":\"default\",\"live\":false}");
        assertThat(setting(doc, "traffic.online.in-flight").get("live").asBoolean())
                .isTrue();
        assertThat(doc.get("settings"))
                .hasSize(dev.keel.config.KeelConfig.defaults().entries().size());
        assertThat(cli.out() + cli.err()).doesNotContain("sk-proj-show-secret-1", "app-secret-9");
    }

    @Test
    void show_text_oneLinePerKeyWithItsSource() throws Exception {
        Path f = file("timeouts:\n  business: 40s\n");
        var show = new ConfigCommand.Show();
        show.env = Map.of();
        assertThat(cli.run(show, "--config", f.toString(), "--in-flight", "12")).isZero();
        var lines = cli.out().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("keel configuration (file " + f
                        + "; flags > environment > file > defaults; * = applied live by keel serve)");
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).matches("  timeouts\\.business +40s +" + Pattern.quote(f + ":2")));
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).matches("\\* traffic\\.online\\.in-flight +12 +flag --in-flight"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  retry\\.max-attempts +3 +default"));
    }

    @Test
    void precedence_flagBeatsEnvBeatsFile() throws Exception {
        Path f = file("traffic:\n  online:\n    in-flight: 5\n");
        var env = Map.of("KEEL_TRAFFIC_ONLINE_IN_FLIGHT", "6");
        assertThat(setting(show(env, "--config", f.toString(), "--in-flight", "7"), "traffic.online.in-flight")
                        .get("value")
                        .asText())
                .isEqualTo("7");
        assertThat(setting(show(env, "--config", f.toString()), "traffic.online.in-flight")
                        .get("source")
                        .asText())
                .isEqualTo("env KEEL_TRAFFIC_ONLINE_IN_FLIGHT");
        assertThat(setting(show(Map.of(), "--config", f.toString()), "traffic.online.in-flight")
                        .get("source")
                        .asText())
                .isEqualTo(f + ":3");
    }

    @Test
    void precedence_aFlagsDefaultNeverMasksTheFile() throws Exception {
        // --per-call-timeout's help says "default: 25s"; not given, the file's value stands
        Path f = file("timeouts:\n  per-call: 12s\n  business: 20s\n");
        JsonNode doc = show(Map.of(), "--config", f.toString());
        assertThat(setting(doc, "timeouts.per-call").get("value").asText()).isEqualTo("12s");
        assertThat(setting(doc, "timeouts.business").get("value").asText()).isEqualTo("20s");
    }

    @Test
    void precedence_keelConfigVariableNamesTheFile() throws Exception {
        Path f = file("retry:\n  max-attempts: 4\n");
        JsonNode doc = show(Map.of("KEEL_CONFIG", f.toString()));
        assertThat(doc.get("file").asText()).isEqualTo(f.toString());
        assertThat(setting(doc, "retry.max-attempts").get("value").asText()).isEqualTo("4");
    }

    @Test
    void unknownKey_exits2WithTheExactMessage() throws Exception {
        Path f = file("retry:\n  max-attemps: 4\n");
        var show = new ConfigCommand.Show();
        show.env = Map.of();
        assertThat(cli.run(show, "--config", f.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .isEqualTo("keel: " + f + ":2: retry.max-attemps: unknown key; did you mean 'retry.max-attempts'?"
                        + System.lineSeparator());
    }

    @Test
    void badValue_exits2WithTheExactMessage_beforeAnythingStarts() throws Exception {
        Path f = file("retry:\n  max-attempts: 0\n");
        var call = new CallCommand();
        call.env = Map.of();
        assertThat(cli.run(call, "--config", f.toString(), "hello")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .isEqualTo("keel: " + f + ":2: retry.max-attempts: must be between 1 and 10, was 0"
                        + System.lineSeparator());
    }

    @Test
    void batchCommand_readsItsLedgerFromTheFile() throws Exception {
        Path db = dir.resolve("ledger.db");
        Path f = file("batch:\n  ledger: jdbc:sqlite:" + db + "\n");
        var runs = new BatchRunsCommand();
        runs.env = Map.of();
        assertThat(cli.run(runs, "--config", f.toString(), "--format", "json"))
                .as(cli.err())
                .isZero();
        assertThat(Files.exists(db))
                .as("the ledger named in keel.yaml was opened")
                .isTrue();
    }

    @Test
    void doctorTimeouts_withoutLayers_checksTheConfiguredChain() throws Exception {
        Path f = file("timeouts:\n  caller: 45s\n");
        var doctor = new DoctorCommand.Timeouts();
        doctor.env = Map.of();
        assertThat(cli.run(doctor, "--config", f.toString())).as(cli.err()).isZero();
        assertThat(cli.out().strip())
                .isEqualTo("OK timeouts.caller 45s > timeouts.business 30s > timeouts.per-call 25s");
    }

    @Test
    void serve_reloadsLiveKeys_refusesABadFile_andDebugConfigShowsTheRunningValues() throws Exception {
        Path f = file("traffic:\n  online:\n    in-flight: 8\nserve:\n  reload-interval: 100ms\n");
        var serve = new ServeCommand();
        serve.env = Map.of("OPENAI_API_KEY", "sk-test-reload-secret", "OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        CompletableFuture<Integer> exit = cli.start(serve, "--port", "0", "--config", f.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> cli.out().contains("listening on"));
        var m = Pattern.compile("listening on (http://\\S+) ").matcher(cli.out());
        assertThat(m.find()).isTrue();
        String base = m.group(1);
        JsonNode before = Json.parse(get(base + "/debug/config"));
        assertThat(before.at("/in_flight_limit").asInt()).isEqualTo(8);
        assertThat(setting(before.get("config"), "traffic.online.in-flight")
                        .get("source")
                        .asText())
                .isEqualTo(f + ":3");

        Files.writeString(
                f,
                "traffic:\n  online:\n    in-flight: 16\npool:\n  max-connections: 9\n"
                        + "serve:\n  reload-interval: 100ms\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> cli.err().contains("config reloaded"));
        assertThat(cli.err())
                .contains("keel: config reloaded: applied traffic.online.in-flight; needs a restart (not applied):"
                        + " pool.max-connections");
        JsonNode after = Json.parse(get(base + "/debug/config"));
        assertThat(after.at("/in_flight_limit").asInt()).isEqualTo(16);
        assertThat(setting(after.get("config"), "pool.max-connections")
                        .get("value")
                        .asText())
                .isEqualTo("256");

        Files.writeString(f, "traffic:\n  online:\n    in-flight: 0\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> cli.err().contains("refused"));
        assertThat(cli.err())
                .contains("keel: config reload refused, keeping the running configuration: " + f
                        + ":3: traffic.online.in-flight: must be between 1 and 100000, was 0");
        assertThat(Json.parse(get(base + "/debug/config"))
                        .at("/in_flight_limit")
                        .asInt())
                .isEqualTo(16);
        assertThat(cli.out() + cli.err() + get(base + "/debug/config")).doesNotContain("sk-test-reload-secret");
        serve.stop.countDown();
        assertThat(exit.get()).isZero();
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
