package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code POST /webhooks/openai} of {@code keel serve}: OpenAI's webhooks as Standard Webhooks
 * (docs/batch.md, "Webhooks"). Checked in this order, each with its own answer:
 *
 * <ol>
 *   <li>{@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature} missing, or a
 *       timestamp that is not whole seconds → 400 {@code invalid_webhook_headers};
 *   <li>no {@code v1,} signature in the header matches the HMAC-SHA256 of {@code id.timestamp.body}
 *       under the {@code whsec_} key → 401 {@code invalid_webhook_signature};
 *   <li>timestamp more than 5 minutes from now (either way) → 400 {@code stale_webhook_timestamp};
 *   <li>a {@code webhook-id} already taken in the last 10 minutes → 409 {@code replayed_webhook} (the
 *       first delivery was acted on; this one changes nothing);
 *   <li>a body that is not a JSON event → 400 {@code invalid_webhook_body};
 *   <li>{@code batch.completed|failed|expired|cancelled} → 200 {@code {"status":"accepted",…,
 *       "chunks_due":N}}: every submitted chunk of that batch in the ledger is due for collection now;
 *   <li>any other event type (verified) → 200 {@code {"status":"ignored",…}}, so OpenAI does not
 *       retry an event keel has no use for.
 * </ol>
 *
 * The secret never appears in an answer or a log. Thread-safe.
 */
final class WebhookRoute {

    static final String PATH = "/webhooks/openai";
    static final Duration TOLERANCE = Duration.ofMinutes(5);
    static final Set<String> BATCH_EVENTS =
            Set.of("batch.completed", "batch.failed", "batch.expired", "batch.cancelled");

    /** An answer: status and JSON body. */
    record Reply(int status, ObjectNode body) {}

    private final byte[] key;
    private final InstantSource clock;
    /** batch id → chunks made due. */
    private final ToIntFunction<String> makeDue;
    /** webhook-id → when it was taken (ms), the newest 10,000, pruned past twice the tolerance. */
    private final Map<String, Long> seen = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 10_000;
        }
    };

    /**
     * The route of {@code keel serve --webhook-secret}: a verified {@code batch.*} event makes that
     * batch's chunks due in the ledger at {@code db}; null without a secret (no webhook route).
     */
    static WebhookRoute intoLedger(String secret, String db) {
        if (secret == null || secret.isBlank()) {
            return null;
        }
        var ledger = new dev.keel.batch.ledger.Ledger(dev.keel.batch.ledger.Database.open(db));
        var clock = InstantSource.system();
        return new WebhookRoute(secret, clock, batchId -> ledger.pollDueNow(batchId, clock.millis()));
    }

    /**
     * @param secret {@code whsec_…} as OpenAI's dashboard shows it
     * @throws IllegalArgumentException when the secret is not {@code whsec_} and base64 (the message
     *     never contains it)
     */
    WebhookRoute(String secret, InstantSource clock, ToIntFunction<String> makeDue) {
        if (secret == null || !secret.startsWith("whsec_") || secret.length() == 6) {
            throw new IllegalArgumentException("--webhook-secret must be the whsec_... signing secret of the"
                    + " webhook endpoint (OpenAI dashboard, Webhooks)");
        }
        try {
            this.key = Base64.getDecoder().decode(secret.substring(6));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--webhook-secret: the part after whsec_ is not base64");
        }
        this.clock = clock;
        this.makeDue = makeDue;
    }

    Reply handle(String id, String timestamp, String signatures, byte[] body) {
        if (id == null || timestamp == null || signatures == null || id.isBlank()) {
            return refuse(
                    400,
                    "invalid_webhook_headers",
                    "webhook-id, webhook-timestamp and webhook-signature are required (Standard Webhooks)");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return refuse(400, "invalid_webhook_headers", "webhook-timestamp must be unix seconds");
        }
        if (!signed(id, timestamp.strip(), signatures, body)) {
            return refuse(
                    401,
                    "invalid_webhook_signature",
                    "webhook-signature does not match the body under the configured --webhook-secret");
        }
        long now = clock.millis();
        if (Math.abs(now / 1000 - ts) > TOLERANCE.toSeconds()) {
            return refuse(
                    400,
                    "stale_webhook_timestamp",
                    "webhook-timestamp " + ts + " is more than 5 minutes from now (" + now / 1000 + ")");
        }
        synchronized (seen) {
            seen.values().removeIf(at -> now - at > 2 * TOLERANCE.toMillis());
            if (seen.putIfAbsent(id, now) != null) {
                return refuse(409, "replayed_webhook", "webhook-id " + id + " was already received");
            }
        }
        JsonNode event;
        try {
            event = Json.parse(body);
        } catch (JsonSyntaxException e) {
            return refuse(400, "invalid_webhook_body", "the body is not a JSON event");
        }
        String type = event.path("type").asText("");
        ObjectNode ok = Json.object().put("type", type).put("webhook_id", id);
        if (BATCH_EVENTS.contains(type) && event.path("data").path("id").isTextual()) {
            String batchId = event.path("data").path("id").asText();
            int due = makeDue.applyAsInt(batchId);
            return new Reply(
                    200, ok.put("status", "accepted").put("batch_id", batchId).put("chunks_due", due));
        }
        return new Reply(200, ok.put("status", "ignored"));
    }

    /** Whether one of the space-separated {@code v1,<base64>} signatures is the body's, compared in constant time. */
    private boolean signed(String id, String timestamp, String signatures, byte[] body) {
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            expected = mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        for (String s : signatures.strip().split(" +")) {
            if (!s.startsWith("v1,")) {
                continue;
            }
            try {
                if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(s.substring(3)))) {
                    return true;
                }
            } catch (IllegalArgumentException notBase64) {
                // not this one
            }
        }
        return false;
    }

    private static Reply refuse(int status, String code, String message) {
        ObjectNode body = Json.object();
        body.putObject("error")
                .put("message", message)
                .put("type", "invalid_request_error")
                .putNull("param")
                .put("code", code);
        return new Reply(status, body);
    }
}
