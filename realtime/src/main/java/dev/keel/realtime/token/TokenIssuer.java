package dev.keel.realtime.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.error.KeelException;
import dev.keel.wire.json.Json;
import java.time.Instant;

/**
 * Mints Realtime client secrets upstream ({@code POST /v1/realtime/client_secrets}) through keel's
 * call pipeline, so the call has the tuned pool, the per-call timeout within the business budget,
 * retries and the breaker. The real key stays in the {@link KeelClient}. Thread-safe.
 */
public final class TokenIssuer {

    /** What one issue attempt came to. */
    public sealed interface Outcome {
        /** A fresh secret and the session config the upstream will use. */
        record Issued(EphemeralToken token, JsonNode session) implements Outcome {}

        /** The upstream answered with a non-2xx status; {@code body} is an OpenAI error body. */
        record UpstreamStatus(int status, ObjectNode body) implements Outcome {}

        /** The upstream could not be reached (connect, timeout, breaker open, budget spent). */
        record TransportFailure(String message) implements Outcome {}
    }

    private final KeelClient client;
    private final CallOptions options;
    private final java.time.Duration rotationLead;

    public TokenIssuer(KeelClient client, CallOptions options) {
        this(client, options, EphemeralToken.ROTATE_BEFORE);
    }

    /** Issues tokens whose {@code rotate_at} is {@code rotationLead} before their expiry. */
    public TokenIssuer(KeelClient client, CallOptions options, java.time.Duration rotationLead) {
        this.client = client;
        this.options = options;
        this.rotationLead = rotationLead;
    }

    /** Issues with the client's default budget. */
    public TokenIssuer(KeelClient client) {
        this(client, CallOptions.defaults());
    }

    /** Mints one secret. Never throws for upstream failures: they are outcomes. */
    public Outcome issue(TokenRequest request) {
        try {
            JsonNode r = client.realtime()
                    .clientSecrets()
                    .create(request.toClientSecretsBody(), options)
                    .json();
            if (!r.path("value").isTextual() || !r.path("expires_at").canConvertToLong()) {
                return new Outcome.UpstreamStatus(
                        502, error("the upstream's client secret had no value or expires_at", "bad_upstream_response"));
            }
            var token = EphemeralToken.of(
                    r.get("value").asText(),
                    Instant.ofEpochSecond(r.get("expires_at").asLong()),
                    rotationLead);
            return new Outcome.Issued(token, r.path("session"));
        } catch (KeelException e) {
            if (e.status() > 0) {
                ObjectNode body = error(e.getMessage(), e.errorCode());
                return new Outcome.UpstreamStatus(e.status(), body);
            }
            return new Outcome.TransportFailure(e.getMessage());
        }
    }

    static ObjectNode error(String message, String code) {
        ObjectNode body = Json.object();
        ObjectNode err = body.putObject("error");
        err.put("message", message);
        err.put("type", "upstream_error");
        err.putNull("param");
        err.put("code", code);
        return body;
    }
}
