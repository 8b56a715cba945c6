package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.keel.wire.json.Json;
import dev.keel.wire.testing.FakeClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch webhooks: on each terminal status the emulator POSTs a Standard Webhooks delivery to a real
 * receiver socket, signed with the {@code whsec_} secret; non-2xx answers are retried, boundedly;
 * {@code output_expires_after} sets the output file's {@code expires_at}, after which it is gone.
 */
class BatchWebhooksTest {

    private static final byte[] KEY = "keel-webhook-test-key-32-bytes!!".getBytes(StandardCharsets.UTF_8);
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);

    record Received(Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst()
                    .map(e -> e.getValue().get(0))
                    .orElse(null);
        }
    }

    private final FakeClock clock = new FakeClock();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Answers the receiver gives, in order; then 200. */
    private final List<Integer> script = new CopyOnWriteArrayList<>();

    private final AtomicInteger answered = new AtomicInteger();
    private HttpServer receiver;
    private Emulator emulator;
    private EmulatorHttp http;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(
                    new Received(Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
            int n = answered.getAndIncrement();
            int status = n < script.size() ? script.get(n) : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks");
        emulator = Emulator.start(EmulatorConfig.builder()
                .clock(clock)
                .batchSpeed(1)
                .webhooks(WebhookSettings.of(url, SECRET)
                        .withFirstRetry(Duration.ofMillis(50))
                        .withMaxAttempts(3))
                .build());
        http = new EmulatorHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
        receiver.stop(0);
    }

    @Test
    void completedBatch_sendsOneSignedBatchCompletedEvent() throws Exception {
        JsonNode batch = create(null, null);
        // sweeps run; a batch still validating sends nothing
        Awaitility.await()
                .during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(2))
                .until(received::isEmpty);

        clock.advance(Duration.ofHours(1));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        Received r = received.get(0);
        JsonNode event = Json.parse(r.body());
        assertThat(event.get("object").asText()).isEqualTo("event");
        assertThat(event.get("type").asText()).isEqualTo("batch.completed");
        assertThat(event.at("/data/id").asText()).isEqualTo(batch.get("id").asText());
        assertThat(event.get("id").asText()).startsWith("evt_");
        assertThat(event.get("created_at").asLong()).isEqualTo(clock.instant().getEpochSecond());
        assertThat(r.header("webhook-timestamp"))
                .isEqualTo(String.valueOf(clock.instant().getEpochSecond()));
        assertThat(r.header("webhook-signature"))
                .isEqualTo("v1," + sign(r.header("webhook-id"), r.header("webhook-timestamp"), r.body()));
        assertThat(r.body()).doesNotContain(SECRET);

        Awaitility.await("each terminal status is delivered once")
                .during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> received.size() == 1);
        assertThat(emulator.webhookDeliveries()).singleElement().satisfies(d -> {
            assertThat(d.type()).isEqualTo("batch.completed");
            assertThat(d.status()).isEqualTo(200);
            assertThat(d.attempt()).isEqualTo(1);
        });
    }

    @Test
    void failedExpiredAndCancelled_sendTheirEventTypes() throws Exception {
        JsonNode failed = create("batch:failed", null);
        JsonNode expired = create("batch:expired", null);
        JsonNode cancelled = create(null, null);
        assertThat(http.post("/batches/" + cancelled.get("id").asText() + "/cancel", "")
                        .status())
                .isEqualTo(200);
        clock.advance(Duration.ofHours(25));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        Map<String, String> typeByBatch = new java.util.TreeMap<>();
        for (Received r : received) {
            JsonNode e = Json.parse(r.body());
            typeByBatch.put(e.at("/data/id").asText(), e.get("type").asText());
        }
        assertThat(typeByBatch)
                .containsEntry(failed.get("id").asText(), "batch.failed")
                .containsEntry(expired.get("id").asText(), "batch.expired")
                .containsEntry(cancelled.get("id").asText(), "batch.cancelled");
    }

    @Test
    void non2xx_isRetriedWithTheSameWebhookId_untilAccepted() throws Exception {
        script.addAll(List.of(500, 503));
        create(null, null);
        clock.advance(Duration.ofHours(1));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        // the receiver sees the third request before the emulator has recorded its answer
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> emulator.webhookDeliveries().size() == 3);
        assertThat(received.stream().map(r -> r.header("webhook-id")).distinct())
                .hasSize(1);
        assertThat(received.stream()
                        .map(r -> Json.parse(r.body()).get("id").asText())
                        .distinct())
                .hasSize(1);
        for (Received r : received) {
            assertThat(r.header("webhook-signature"))
                    .isEqualTo("v1," + sign(r.header("webhook-id"), r.header("webhook-timestamp"), r.body()));
        }
        assertThat(emulator.webhookDeliveries())
                .extracting(WebhookDelivery::attempt, WebhookDelivery::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, 500),
                        org.assertj.core.groups.Tuple.tuple(2, 503),
                        org.assertj.core.groups.Tuple.tuple(3, 200));
    }

    @Test
    void retries_areBounded() throws Exception {
        script.addAll(List.of(500, 500, 500, 500, 500));
        create(null, null);
        clock.advance(Duration.ofHours(1));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        // 50, 100 ms backoff: a fourth attempt would come within this window
        Awaitility.await("maxAttempts 3")
                .during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> received.size() == 3);
        assertThat(emulator.webhookDeliveries()).noneMatch(WebhookDelivery::accepted);
    }

    @Test
    void outputExpiresAfter_setsTheOutputFilesExpiry_andTheFileIsGoneAfterIt() {
        JsonNode batch = create(null, "{\"anchor\":\"created_at\",\"seconds\":3600}");
        clock.advance(Duration.ofMinutes(1));
        JsonNode done = http.get("/batches/" + batch.get("id").asText()).json();
        assertThat(done.get("status").asText()).isEqualTo("completed");
        String out = done.get("output_file_id").asText();
        JsonNode file = http.get("/files/" + out).json();
        assertThat(file.get("expires_at").asLong())
                .isEqualTo(file.get("created_at").asLong() + 3600);
        clock.advance(Duration.ofSeconds(3599));
        assertThat(http.get("/files/" + out + "/content").status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        var gone = http.get("/files/" + out + "/content");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().at("/error/message").asText()).isEqualTo("No such File object: " + out);
    }

    @Test
    void outputExpiresAfter_outOfRange_isRefusedLikeTheApi() {
        String fileId = upload();
        var low = http.post(
                "/batches",
                "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\","
                        + "\"output_expires_after\":{\"anchor\":\"created_at\",\"seconds\":60}}");
        assertThat(low.status()).isEqualTo(400);
        assertThat(low.json().at("/error/param").asText()).isEqualTo("output_expires_after.seconds");
        assertThat(low.json().at("/error/code").asText()).isEqualTo("integer_below_min_value");
        var anchor = http.post(
                "/batches",
                "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\","
                        + "\"output_expires_after\":{\"anchor\":\"completed_at\",\"seconds\":3600}}");
        assertThat(anchor.status()).isEqualTo(400);
        assertThat(anchor.json().at("/error/param").asText()).isEqualTo("output_expires_after.anchor");
    }

    @Test
    void settings_refuseASecretWithoutWhsec_andNeverPrintIt() {
        assertThatThrownBy(() -> WebhookSettings.of(URI.create("http://127.0.0.1:1/x"), "plain-secret"))
                .hasMessageContaining("whsec_");
        assertThat(WebhookSettings.of(URI.create("http://127.0.0.1:1/x"), SECRET)
                        .toString())
                .doesNotContain(SECRET.substring(6));
    }

    private static String sign(String id, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        return Base64.getEncoder()
                .encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    private String upload() {
        var reply = http.upload("input.jsonl", Requests.batchFile(3), "purpose", "batch");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("id").asText();
    }

    private JsonNode create(String fault, String outputExpiresAfter) {
        String body =
                "{\"input_file_id\":\"" + upload() + "\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\""
                        + (outputExpiresAfter == null ? "" : ",\"output_expires_after\":" + outputExpiresAfter) + "}";
        var reply = fault == null ? http.post("/batches", body) : http.post("/batches", body, "x-keel-fault", fault);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }
}
