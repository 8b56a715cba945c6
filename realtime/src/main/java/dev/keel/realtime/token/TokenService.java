package dev.keel.realtime.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.json.Json;
import dev.keel.core.json.JsonSyntaxException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint's logic, independent of any HTTP server ({@code keel serve} mounts it at
 * {@code POST /v1/realtime/token}): authenticate the caller, rate-limit per user, validate the
 * request, mint a client secret upstream and answer {@code {value, expires_at, rotate_at}}. Status
 * rules: 401 unknown caller, 429 over the user's rate (with {@code Retry-After}), 400 bad body or
 * lifetime outside 60–300 s, 502 when the upstream could not be reached, the upstream's own status
 * when it refused. The real API key never leaves the server and the secret never reaches the logs.
 * Thread-safe.
 */
public final class TokenService {

    private static final Logger log = LoggerFactory.getLogger(TokenService.class);

    /** One HTTP answer: status, JSON body and extra headers. */
    public record Reply(int status, ObjectNode body, Map<String, String> headers) {}

    private final Authenticator authenticator;
    private final UserRateLimiter limiter;
    private final TokenIssuer issuer;
    private final TokenRequest defaults;

    public TokenService(
            Authenticator authenticator, UserRateLimiter limiter, TokenIssuer issuer, TokenRequest defaults) {
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.issuer = issuer;
        this.defaults = defaults;
    }

    /**
     * Handles one request.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param body the request body (empty takes the defaults)
     */
    public Reply handle(String authorization, byte[] body) {
        Optional<String> user = authenticator.userFor(bearer(authorization));
        if (user.isEmpty()) {
            return error(
                    401,
                    "invalid_request_error",
                    "unauthorized",
                    "Unknown or missing app token: send 'Authorization: Bearer <app token>' issued to this device.",
                    null);
        }
        if (limiter.tryAcquire(user.get()) instanceof UserRateLimiter.Verdict.Refused r) {
            long seconds = Math.max(1, (r.retryAfter().toMillis() + 999) / 1000);
            log.info("realtime token refused user={} reason=rate_limited retry_after_s={}", user.get(), seconds);
            Reply reply = error(
                    429,
                    "rate_limit_error",
                    "rate_limit_exceeded",
                    "Too many realtime tokens for this user (limit " + limiter.perMinute() + "/min); retry in "
                            + seconds + " s.",
                    null);
            return new Reply(429, reply.body(), Map.of("Retry-After", String.valueOf(seconds)));
        }
        TokenRequest request;
        try {
            request = TokenRequest.fromJson(body == null || body.length == 0 ? null : Json.parse(body), defaults);
        } catch (InvalidTokenRequestException e) {
            return error(400, "invalid_request_error", "invalid_value", e.getMessage(), e.param());
        } catch (JsonSyntaxException e) {
            return error(
                    400,
                    "invalid_request_error",
                    "invalid_json",
                    "The body is not valid JSON: " + e.getMessage(),
                    null);
        }
        return issue(user.get(), request);
    }

    private Reply issue(String user, TokenRequest request) {
        return switch (issuer.issue(request)) {
            case TokenIssuer.Outcome.Issued i -> {
                log.info(
                        "realtime token issued user={} model={} expires_at={}",
                        user,
                        request.model(),
                        i.token().expiresAt());
                ObjectNode out = Json.object();
                out.put("value", i.token().value());
                out.put("expires_at", i.token().expiresAt().getEpochSecond());
                out.put("rotate_at", i.token().rotateAt().getEpochSecond());
                yield new Reply(200, out, Map.of("Cache-Control", "no-store"));
            }
            case TokenIssuer.Outcome.UpstreamStatus s -> {
                log.warn("realtime token failed user={} upstream_status={}", user, s.status());
                yield new Reply(s.status(), s.body(), Map.of());
            }
            case TokenIssuer.Outcome.TransportFailure f -> {
                log.warn("realtime token failed user={} reason=upstream_unreachable detail={}", user, f.message());
                yield error(
                        502,
                        "upstream_error",
                        "upstream_unavailable",
                        "Could not reach the Realtime API to issue a session token (" + f.message()
                                + "); retry shortly.",
                        null);
            }
        };
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String t = authorization.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    private static Reply error(int status, String type, String code, String message, String param) {
        ObjectNode body = Json.object();
        ObjectNode err = body.putObject("error");
        err.put("message", message);
        err.put("type", type);
        err.put("param", param);
        err.put("code", code);
        return new Reply(status, body, Map.of());
    }

    /** Used by tests and the sidecar's docs: the JSON a caller sends when it wants the defaults. */
    static JsonNode empty() {
        return Json.object();
    }
}
