package dev.keel.emulator;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;

/**
 * Where and how the emulator delivers batch webhooks ({@code batch.completed}, {@code batch.failed},
 * {@code batch.expired}, {@code batch.cancelled}) as Standard Webhooks: each event is POSTed to
 * {@code url} with {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature: v1,<base64
 * HMAC-SHA256 of "id.timestamp.body">} under the key that {@code secret} ({@code whsec_<base64>})
 * encodes; a non-2xx answer or a failed connection is retried after {@code firstRetry}, doubling,
 * for at most {@code maxAttempts} attempts in all (the API retries for up to 72 hours; an emulator
 * run is shorter). Immutable; the secret never appears in {@link #toString()}.
 *
 * @param url the receiver, e.g. {@code http://127.0.0.1:8090/webhooks/openai}
 * @param secret the signing secret, {@code whsec_} and the key in base64
 * @param maxAttempts deliveries of one event at most, first one included (1–20)
 * @param firstRetry the wait before the second attempt; each further wait doubles
 */
public record WebhookSettings(URI url, String secret, int maxAttempts, Duration firstRetry) {

    /** @throws IllegalArgumentException for a secret without {@code whsec_} and base64, or bad bounds */
    public WebhookSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(firstRetry, "firstRetry");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("webhook url must be http or https, got " + url);
        }
        key(secret);
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("webhook maxAttempts must be 1-20, got " + maxAttempts);
        }
        if (firstRetry.isNegative() || firstRetry.isZero()) {
            throw new IllegalArgumentException("webhook firstRetry must be positive, got " + firstRetry);
        }
    }

    /** Five attempts, the first retry after 500 ms. */
    public static WebhookSettings of(URI url, String secret) {
        return new WebhookSettings(url, secret, 5, Duration.ofMillis(500));
    }

    /** The HMAC key a {@code whsec_…} secret encodes. @throws IllegalArgumentException when it is not one */
    public static byte[] key(String secret) {
        if (!secret.startsWith("whsec_") || secret.length() == "whsec_".length()) {
            throw new IllegalArgumentException(
                    "a webhook secret starts with 'whsec_' followed by the key in base64 (as OpenAI's dashboard"
                            + " shows it)");
        }
        try {
            return Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the webhook secret after 'whsec_' is not base64", e);
        }
    }

    public WebhookSettings withMaxAttempts(int n) {
        return new WebhookSettings(url, secret, n, firstRetry);
    }

    public WebhookSettings withFirstRetry(Duration d) {
        return new WebhookSettings(url, secret, maxAttempts, d);
    }

    @Override
    public String toString() {
        return "WebhookSettings[url=" + url + ", secret=<redacted>, maxAttempts=" + maxAttempts + ", firstRetry="
                + firstRetry + "]";
    }
}
