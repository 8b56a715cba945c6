package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import dev.keel.emulator.WebhookSettings;
import dev.keel.wire.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel serve --webhook-secret}: each kind of delivery to {@code POST /webhooks/openai} with
 * its exact answer, over a real socket; and a batch run whose chunk a webhook makes due makes fewer
 * upstream polls than the same run without, and finishes sooner (the emulator sends the webhooks).
 */
class WebhookServeTest {

    @TempDir
    Path dir;

    private static final byte[] KEY = "keel-serve-webhook-key-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);

    private final CliHarness cli = new CliHarness();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private record Running(String base, ServeCommand command, CompletableFuture<Integer> exit)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            command.stop.countDown();
            assertThat(exit.get()).isZero();
        }
    }

    private String db() {
        return "jdbc:sqlite:" + dir.resolve("keel.db");
    }

    private Running serve(String... args) {
        var serve = new ServeCommand();
        serve.env = Map.of();
        var all = new ArrayList<>(List.of("--port", "0", "--db", db()));
        all.addAll(List.of(args));
        CompletableFuture<Integer> exit = cli.start(serve, all.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(90)).until(() -> cli.out().contains("listening on") || exit.isDone());
        var m = Pattern.compile("listening on (http://\\S+) ").matcher(cli.out());
        assertThat(m.find()).as("sidecar started; stderr: %s", cli.err()).isTrue();
        return new Running(m.group(1), serve, exit);
    }

    private static String sign(String id, long ts, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        return "v1,"
                + Base64.getEncoder()
                        .encodeToString(mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> deliver(String base, String id, long ts, String signature, String body)
            throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + "/webhooks/openai"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (id != null) {
            b.header("webhook-id", id);
        }
        b.header("webhook-timestamp", String.valueOf(ts));
        if (signature != null) {
            b.header("webhook-signature", signature);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String event(String type, String batchId) {
        return "{\"id\":\"evt_1\",\"object\":\"event\",\"created_at\":1,\"type\":\"" + type + "\",\"data\":{\"id\":\""
                + batchId + "\"}}";
    }

    @Test
    void eachDeliveryKind_getsItsExactAnswer() throws Exception {
        try (var s = serve("--webhook-secret", SECRET)) {
            long now = System.currentTimeMillis() / 1000;
            String completed = event("batch.completed", "batch_unknown");

            var valid = deliver(s.base(), "wh_1", now, sign("wh_1", now, completed), completed);
            assertThat(valid.statusCode()).isEqualTo(200);
            assertThat(Json.parse(valid.body()))
                    .isEqualTo(
                            Json.parse("{\"type\":\"batch.completed\",\"webhook_id\":\"wh_1\",\"status\":\"accepted\","
                                    + "\"batch_id\":\"batch_unknown\",\"chunks_due\":0}"));

            var replayed = deliver(s.base(), "wh_1", now, sign("wh_1", now, completed), completed);
            assertThat(replayed.statusCode()).isEqualTo(409);
            assertThat(Json.parse(replayed.body()).at("/error/code").asText()).isEqualTo("replayed_webhook");

            var badSignature = deliver(s.base(), "wh_2", now, sign("wh_2", now, completed + " "), completed);
            assertThat(badSignature.statusCode()).isEqualTo(401);
            assertThat(Json.parse(badSignature.body()).at("/error/code").asText())
                    .isEqualTo("invalid_webhook_signature");

            long old = now - 301;
            var stale = deliver(s.base(), "wh_3", old, sign("wh_3", old, completed), completed);
            assertThat(stale.statusCode()).isEqualTo(400);
            assertThat(Json.parse(stale.body()).at("/error/code").asText()).isEqualTo("stale_webhook_timestamp");

            String unknown = event("fine_tuning.job.succeeded", "ftjob_1");
            var ignored = deliver(s.base(), "wh_4", now, sign("wh_4", now, unknown), unknown);
            assertThat(ignored.statusCode()).isEqualTo(200);
            assertThat(Json.parse(ignored.body()))
                    .isEqualTo(Json.parse("{\"type\":\"fine_tuning.job.succeeded\",\"webhook_id\":\"wh_4\","
                            + "\"status\":\"ignored\"}"));

            var noHeaders = deliver(s.base(), null, now, null, completed);
            assertThat(noHeaders.statusCode()).isEqualTo(400);
            assertThat(Json.parse(noHeaders.body()).at("/error/code").asText()).isEqualTo("invalid_webhook_headers");

            assertThat(cli.out() + cli.err() + valid.body() + badSignature.body())
                    .doesNotContain(SECRET.substring(6));
        }
    }

    @Test
    void withoutASecret_thereIsNoWebhookRoute() throws Exception {
        try (var s = serve()) {
            long now = System.currentTimeMillis() / 1000;
            var r = deliver(s.base(), "wh_1", now, "v1,x", event("batch.completed", "b"));
            assertThat(r.statusCode()).isEqualTo(404);
        }
    }

    private record Run(long polls, long millis, JsonNode report) {}

    private Run batchRun(Emulator emulator, boolean webhooks) throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= 6; i++) {
            lines.add("{\"custom_id\":\"w-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                    + "{\"model\":\"gpt-4.1-mini\",\"input\":\"ticket " + i + (webhooks ? " hooks" : "")
                    + "\",\"max_output_tokens\":30}}");
        }
        Path input = dir.resolve(webhooks ? "with.jsonl" : "without.jsonl");
        Files.write(input, lines);
        var env = Map.of(
                "OPENAI_API_KEY",
                "sk-test",
                "OPENAI_BASE_URL",
                emulator.baseUrl().toString());
        var batch = new CliHarness().env(env); // the sidecar keeps running on this test's own harness
        var args = new ArrayList<>(List.of(
                "batch",
                "run",
                input.toString(),
                "--format",
                "json",
                "--poll-interval",
                "4s",
                "--output-expires-after",
                "2h",
                "--db",
                db(),
                "--run-dir",
                dir.resolve("runs").toString()));
        if (webhooks) {
            args.add("--webhooks");
        }
        emulator.clearRequests();
        long t0 = System.nanoTime();
        assertThat(batch.run(args)).as(batch.err()).isZero();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long polls = emulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().startsWith("/v1/batches/"))
                .count();
        String text = batch.out();
        return new Run(polls, ms, Json.parse(text.substring(text.indexOf('{'))));
    }

    @Test
    void aRunWithWebhooks_pollsLessAndFinishesSooner() throws Exception {
        try (var s = serve("--webhook-secret", SECRET);
                // speed 2: validating 2.5 s, 6 requests 0.6 s, finalizing 2.5 s of real time
                var plain =
                        Emulator.start(EmulatorConfig.builder().batchSpeed(2).build());
                var hooked = Emulator.start(EmulatorConfig.builder()
                        .batchSpeed(2)
                        .webhooks(WebhookSettings.of(URI.create(s.base() + "/webhooks/openai"), SECRET))
                        .build())) {
            Run without = batchRun(plain, false);
            Run with = batchRun(hooked, true);
            System.out.printf(
                    "webhooks off: %d polls, %d ms; on: %d polls, %d ms%n",
                    without.polls(), without.millis(), with.polls(), with.millis());
            assertThat(without.report().at("/items/ok").asLong()).isEqualTo(6);
            assertThat(with.report().at("/items/ok").asLong()).isEqualTo(6);
            // the chunk was collected long before its 40 s safety-net poll: only the event can have made it due
            // without: polls at 4 s (running) and 8 s (completed); with: the event makes it due at ~5.7 s
            // and one retrieve collects it; the 40 s safety-net poll never comes
            assertThat(with.polls()).isLessThan(without.polls());
            assertThat(with.millis()).isLessThan(without.millis());
            assertThat(with.millis()).as("well before the 40 s safety-net poll").isLessThan(40_000);
            // --output-expires-after reached the create
            List<RecordedRequest> creates = hooked.requests("POST", "/v1/batches");
            assertThat(creates).isNotEmpty();
            assertThat(Json.parse(creates.get(0).body()).at("/output_expires_after"))
                    .isEqualTo(Json.parse("{\"anchor\":\"created_at\",\"seconds\":7200}"));
        }
    }
}
