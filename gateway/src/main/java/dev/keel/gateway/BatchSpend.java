package dev.keel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.UnknownModelPriceException;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.RawCall;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spend caps for {@code POST /v1/batches}: before a capped key's batch is created, its input file is
 * read from the upstream and every line's worst case (exact input tokens plus the output bound, at
 * the Batch price) is added up and reserved like one call's; once an answer through this gateway
 * shows the batch in a final state (completed, failed, expired, cancelled: {@code GET
 * /v1/batches/{id}}, the list, or a cancel) the reservation is settled to the batch's {@code usage}
 * at the Batch price. A batch whose end this process never sees (another replica polled it, or the
 * process restarted) keeps its worst case: spend is over-counted, never under-counted. Thread-safe.
 */
final class BatchSpend {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSpend.class);
    private static final Set<String> FINAL = Set.of("completed", "failed", "expired", "cancelled");

    private final SpendCaps caps;
    private final KeelClient client;
    private final Map<String, SpendCaps.Reservation> open = new ConcurrentHashMap<>();

    BatchSpend(SpendCaps caps, KeelClient client) {
        this.caps = caps;
        this.client = client;
    }

    /**
     * Reserves a batch's worst case under the key's caps.
     *
     * @throws Forwarder.Refused when the body or its input file cannot be read or priced, or the
     *     worst case does not fit
     */
    SpendCaps.Reservation reserve(GatewayKey key, byte[] body, CallOptions options) {
        JsonNode create;
        try {
            create = Json.parse(body);
        } catch (JsonSyntaxException e) {
            return SpendCaps.Reservation.NONE; // not JSON: the upstream refuses it, at no cost
        }
        String fileId = create.path("input_file_id").asText("");
        if (fileId.isBlank()) {
            return SpendCaps.Reservation.NONE; // the upstream refuses a batch without a file
        }
        byte[] lines = inputFile(key, fileId, options);
        long nanos = 0;
        int lineNo = 0;
        for (String line : new String(lines, StandardCharsets.UTF_8).split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode request;
            try {
                request = Json.parse(line.getBytes(StandardCharsets.UTF_8));
            } catch (JsonSyntaxException e) {
                continue; // the upstream fails this line, at no cost
            }
            String url = request.path("url").asText(create.path("endpoint").asText(""));
            try {
                nanos += caps.worstCase(url, request.path("body"), true, PriceTier.BATCH)
                        .nanos();
            } catch (UnknownModelPriceException e) {
                throw new Forwarder.Refused(Refusal.badRequest(
                        "keel_unknown_price",
                        "The gateway key '" + key.id() + "' has a spend cap and line " + lineNo
                                + " of batch input file "
                                + fileId + " asks for model '"
                                + request.path("body").path("model").asText()
                                + "', which has no price in the gateway's price table, so the batch's cost cannot"
                                + " be bounded: " + e.getMessage()));
            }
        }
        Object r = caps.reserve(key, new SpendCaps.WorstCase(0, nanos));
        if (r instanceof Refusal refusal) {
            throw new Forwarder.Refused(refusal);
        }
        return (SpendCaps.Reservation) r;
    }

    private byte[] inputFile(GatewayKey key, String fileId, CallOptions options) {
        try (HttpResult r = client.execute(
                RawCall.of("GET", "/files/" + fileId + "/content", Map.of(), null, null, true),
                options.withIdempotencyKey(null))) {
            return r.body();
        } catch (KeelException e) {
            throw new Forwarder.Refused(new Refusal(
                    e.status() == 404 ? 400 : 502,
                    e.status() == 404 ? "invalid_request_error" : "server_error",
                    "keel_batch_input_unreadable",
                    "The gateway key '" + key.id() + "' has a spend cap, so the gateway reads batch input file "
                            + fileId + " to bound the batch's cost before creating it, and could not"
                            + (e.status() > 0 ? " (upstream status " + e.status() + ")" : "") + ": "
                            + e.getMessage(),
                    "batch_input_unreadable",
                    null));
        }
    }

    /** The batch was created: its reservation stays open until an answer shows the batch ended. */
    void created(SpendCaps.Reservation held, byte[] answer) {
        JsonNode batch = parse(answer);
        String id = batch == null ? "" : batch.path("id").asText("");
        if (id.isEmpty()) {
            return; // kept at the worst case: there is no id to settle it by
        }
        open.put(id, held);
        seen(batch);
    }

    /** An answer about batches passed through: settles every batch in it that has ended. */
    void seen(byte[] answer) {
        if (open.isEmpty()) {
            return;
        }
        JsonNode node = parse(answer);
        if (node == null) {
            return;
        }
        if (node.path("data").isArray()) {
            node.path("data").forEach(this::seen);
        } else {
            seen(node);
        }
    }

    private void seen(JsonNode batch) {
        if (!"batch".equals(batch.path("object").asText())
                || !FINAL.contains(batch.path("status").asText())) {
            return;
        }
        SpendCaps.Reservation held = open.remove(batch.path("id").asText(""));
        if (held != null) {
            caps.settle(held, batch, PriceTier.BATCH);
            LOG.info(
                    "batch spend settled key={} batch={} status={}",
                    held.keyId(),
                    batch.path("id").asText(),
                    batch.path("status").asText());
        }
    }

    /** Batches whose reservation is still open in this process. */
    int open() {
        return open.size();
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.parse(body);
        } catch (JsonSyntaxException e) {
            return null;
        }
    }
}
