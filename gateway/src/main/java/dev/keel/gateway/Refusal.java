package dev.keel.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.time.Duration;

/**
 * An answer the gateway gives itself instead of forwarding, shaped as OpenAI's errors ({@code
 * {"error":{"message","type","param","code"}}}) so every SDK raises its usual typed exception, with
 * {@code Retry-After} when a later retry can succeed. Immutable.
 *
 * @param reason the {@code reason} label of {@code gateway_refusals_total}
 * @param retryAfter when a retry can succeed; null when it cannot (then {@code x-should-retry: false}
 *     tells the official SDKs not to try)
 */
public record Refusal(int status, String type, String code, String message, String reason, Duration retryAfter) {

    static Refusal unauthenticated(String message) {
        return new Refusal(401, "invalid_request_error", "invalid_api_key", message, "unauthenticated", null);
    }

    static Refusal notFound(String method, String path) {
        return new Refusal(
                404,
                "invalid_request_error",
                "unknown_url",
                "Invalid URL (" + method + " " + path + "): the keel gateway serves /v1/responses,"
                        + " /v1/chat/completions, /v1/embeddings, /v1/files, /v1/batches, /v1/models and"
                        + " /v1/realtime/client_secrets.",
                "not_found",
                null);
    }

    static Refusal tooLarge(String size, int max) {
        return new Refusal(
                413,
                "invalid_request_error",
                "request_too_large",
                "The request body is " + size + "; this gateway accepts at most " + max + " bytes.",
                "body_too_large",
                null);
    }

    static Refusal bodyTimeout(Duration timeout) {
        return new Refusal(
                408,
                "invalid_request_error",
                "request_body_timeout",
                "The request body did not arrive in full within " + timeout.toMillis() + " ms.",
                "body_timeout",
                Duration.ZERO);
    }

    static Refusal badRequest(String code, String message) {
        return new Refusal(400, "invalid_request_error", code, message, code, null);
    }

    static Refusal rateLimited(String what, Duration retryAfter) {
        return new Refusal(
                429,
                "requests",
                "keel_rate_limited",
                "Rate limit reached for this gateway key: " + what + ". Retry after "
                        + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s.",
                "rate_limited",
                retryAfter);
    }

    static Refusal concurrency(int limit) {
        return new Refusal(
                429,
                "requests",
                "keel_concurrency_limited",
                "This gateway key already has " + limit + " calls in flight, its limit; retry when one ends.",
                "concurrency",
                Duration.ofSeconds(1));
    }

    static Refusal budget(String message, Duration retryAfter) {
        return new Refusal(429, "insufficient_quota", "keel_budget_exceeded", message, "budget", retryAfter);
    }

    static Refusal nestedRetry() {
        return new Refusal(
                503,
                "server_error",
                "keel_nested_retry_refused",
                "The gateway already retries for you and the upstream is failing now (breaker open or retry"
                        + " budget spent); this client retry is refused so retries cannot multiply an outage."
                        + " Turn the client's own retries off (max_retries=0).",
                "nested_retry",
                null);
    }

    static Refusal conflict(String key) {
        return new Refusal(
                409,
                "invalid_request_error",
                "keel_idempotency_in_progress",
                "A call with Idempotency-Key '" + key + "' is still in flight; retry later for its answer.",
                "idempotency_in_progress",
                Duration.ofSeconds(1));
    }

    static Refusal conflictingBody(String key) {
        return new Refusal(
                422,
                "invalid_request_error",
                "keel_idempotency_key_reused",
                "Idempotency-Key '" + key + "' was used for a different request; use a new key per distinct call.",
                "idempotency_key_reused",
                null);
    }

    /** {@code {"error":{...}}}. */
    public ObjectNode body() {
        ObjectNode root = Json.object();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.putNull("param");
        e.put("code", code);
        return root;
    }
}
