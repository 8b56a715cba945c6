package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.issue;
import static dev.keel.gateway.GatewayFixture.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spend caps over {@code /v1/files} + {@code /v1/batches}: a capped key's batch reserves the worst
 * case of its input file's lines at the Batch price when it is created (refused when that does not
 * fit, before the upstream sees the batch), and is settled to the batch's usage when an answer through
 * the gateway shows it ended. Real emulator, real sockets, multipart upload through the gateway.
 */
class BatchSpendTest {

    private static final String MODEL = "gpt-4.1-mini";
    private static final int LINES = 4;
    private Emulator emulator;
    private Gateway gateway;

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder().batchSpeed(5).build());
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        emulator.close();
    }

    private static String jsonl() {
        var b = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            b.append("{\"custom_id\":\"r")
                    .append(i)
                    .append("\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"")
                    .append(MODEL)
                    .append("\",\"input\":\"Summarise ticket ")
                    .append(i)
                    .append(" in one line\",\"max_output_tokens\":200}}\n");
        }
        return b.toString();
    }

    /** What the gateway should reserve: every line's worst case at the Batch price. */
    private static long worstCase() {
        var caps = new SpendCaps(new MemorySpendLedger(), PriceTable.builtIn(), Clock.systemUTC(), 4096);
        long sum = 0;
        for (String line : jsonl().split("\n")) {
            sum += caps.worstCase("/v1/responses", Json.parse(line).path("body"), true, PriceTier.BATCH)
                    .nanos();
        }
        return sum;
    }

    private String upload(String secret) {
        String boundary = "keelBoundary7";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + jsonl() + "\r\n--" + boundary + "--\r\n";
        var r = GatewayFixture.send(
                gateway,
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/files"))
                        .header("Authorization", "Bearer " + secret)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body()).path("id").asText();
    }

    private static String today() {
        return "day:" + LocalDate.now(ZoneOffset.UTC);
    }

    @Test
    void aBatch_reservesItsLinesWorstCaseAtBatchPrice_andIsSettledToItsUsageWhenItEnds() {
        long worst = worstCase();
        var k = issue("batcher", new KeyLimits(0, 0, 0, SpendCaps.usd(worst * 3), null, false));
        gateway = GatewayFixture.start(
                emulator,
                GatewayKeys.of(List.of(k.key())),
                GatewaySettings.ofDefaults().withPort(0),
                b -> b);
        String file = upload(k.secret());
        assertThat(gateway.spendLedger().spent("batcher", today()))
                .as("an upload costs nothing")
                .isZero();

        var created = post(
                gateway,
                "/batches",
                k.secret(),
                "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = Json.parse(created.body()).path("id").asText();
        assertThat(Json.parse(created.body()).path("status").asText()).isNotEqualTo("completed");
        assertThat(gateway.spendLedger().spent("batcher", today())).isEqualTo(worst);

        JsonNode[] done = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    var r = GatewayFixture.get(gateway, "/v1/batches/" + id, k.secret());
                    done[0] = Json.parse(r.body());
                    return done[0].path("status").asText().equals("completed");
                });
        JsonNode usage = done[0].path("usage");
        assertThat(usage.path("input_tokens").asLong()).isPositive();
        long actual = SpendCaps.nanos(PriceTable.builtIn()
                .cost(done[0].path("model").asText(MODEL), PriceTier.BATCH, TokenUsage.fromJson(usage)));
        assertThat(actual).isLessThan(worst);
        assertThat(gateway.spendLedger().spent("batcher", today())).isEqualTo(actual);
        // a second look settles nothing more
        GatewayFixture.get(gateway, "/v1/batches/" + id, k.secret());
        GatewayFixture.get(gateway, "/v1/batches", k.secret());
        assertThat(gateway.spendLedger().spent("batcher", today())).isEqualTo(actual);
    }

    @Test
    void aBatchWhoseWorstCaseDoesNotFit_isRefusedBeforeTheUpstreamSeesIt() {
        long worst = worstCase();
        var k = issue("small", new KeyLimits(0, 0, 0, SpendCaps.usd(worst - 1), null, false));
        gateway = GatewayFixture.start(
                emulator,
                GatewayKeys.of(List.of(k.key())),
                GatewaySettings.ofDefaults().withPort(0),
                b -> b);
        String file = upload(k.secret());
        var refused = post(
                gateway,
                "/batches",
                k.secret(),
                "{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\"}");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Json.parse(refused.body()).path("error").path("code").asText())
                .isEqualTo("keel_budget_exceeded");
        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
        assertThat(gateway.spendLedger().spent("small", today())).isZero();
    }

    @Test
    void aBatchWhoseInputFileIsUnknown_isRefusedWithAClearCode_andAnUncappedKeyIsNotRead() {
        var capped = issue("capped", new KeyLimits(0, 0, 0, new BigDecimal("5"), null, false));
        var free = issue("free", KeyLimits.NONE);
        gateway = GatewayFixture.start(
                emulator,
                GatewayKeys.of(List.of(capped.key(), free.key())),
                GatewaySettings.ofDefaults().withPort(0),
                b -> b);
        String body = "{\"input_file_id\":\"file-nope\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\"}";
        var refused = post(gateway, "/batches", capped.secret(), body);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Json.parse(refused.body()).path("error").path("code").asText())
                .isEqualTo("keel_batch_input_unreadable");
        assertThat(emulator.requests("POST", "/v1/batches")).isEmpty();
        var upstreams = post(gateway, "/batches", free.secret(), body);
        assertThat(upstreams.statusCode()).as("the upstream's own answer").isIn(400, 404);
        assertThat(emulator.requests("GET", "/v1/files/file-nope/content")).hasSize(1);
    }
}
