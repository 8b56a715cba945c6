package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.WebhookDelivery;
import dev.keel.emulator.WebhookSettings;
import dev.keel.wire.json.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends OpenAI's batch webhooks as Standard Webhooks (docs/emulator.md, "Batch webhooks"): every
 * {@value #SWEEP_MS} ms it asks the batch engine which batches reached a terminal status and POSTs
 * {@code {"id":"evt_…","object":"event","created_at":…,"type":"batch.<status>","data":{"id":"batch_…"}}}
 * to the configured URL, signed {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "webhook-id.webhook-timestamp.body">}. A non-2xx answer or an unreachable receiver is retried after
 * {@link WebhookSettings#firstRetry()}, doubling, up to {@link WebhookSettings#maxAttempts()} attempts
 * (same {@code webhook-id}, fresh timestamp and signature). Everything runs on this class's own
 * scheduler; nothing blocks a request thread. Plays OpenAI's side, so it has its own JDK HTTP client
 * (keel's clients go through core's pipeline). Thread-safe.
 */
final class BatchWebhooks implements AutoCloseable {

    static final long SWEEP_MS = 50;

    private final WebhookSettings settings;
    private final BatchEngine batches;
    private final InstantSource clock;
    private final byte[] key;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final List<WebhookDelivery> deliveries = new ArrayList<>();

    BatchWebhooks(WebhookSettings settings, BatchEngine batches, InstantSource clock) {
        this.settings = settings;
        this.batches = batches;
        this.clock = clock;
        this.key = WebhookSettings.key(settings.secret());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keel-emulator-webhooks");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(scheduler)
                .build();
        scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    /** Every attempt so far, in the order they were answered. */
    List<WebhookDelivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    private void sweep() {
        try {
            for (BatchEngine.Terminal t : batches.newlyTerminal()) {
                ObjectNode event = Json.object();
                event.put("id", Ids.hex("evt_"));
                event.put("object", "event");
                event.put("created_at", clock.instant().getEpochSecond());
                event.put("type", "batch." + t.status());
                event.putObject("data").put("id", t.batchId());
                send(Ids.hex("wh_"), event, 1);
            }
        } catch (RuntimeException e) {
            // A sweep must never kill the schedule; the next one tries again.
        }
    }

    private void send(String webhookId, ObjectNode event, int attempt) {
        byte[] body = Json.writeBytes(event);
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .header("user-agent", "OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)")
                .header("webhook-id", webhookId)
                .header("webhook-timestamp", timestamp)
                .header("webhook-signature", "v1," + sign(webhookId, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            int status = failure != null ? -1 : response.statusCode();
            var d = new WebhookDelivery(
                    webhookId,
                    event.get("id").asText(),
                    event.get("type").asText(),
                    event.path("data").path("id").asText(),
                    attempt,
                    status);
            synchronized (deliveries) {
                deliveries.add(d);
            }
            if (!d.accepted() && attempt < settings.maxAttempts() && !scheduler.isShutdown()) {
                long wait = settings.firstRetry().toMillis() << Math.min(attempt - 1, 20);
                scheduler.schedule(() -> send(webhookId, event, attempt + 1), wait, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** The Standard Webhooks signature: base64 HMAC-SHA256 of {@code id.timestamp.body}. */
    String sign(String webhookId, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
