package dev.keel.realtime.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint's logic, independent of any HTTP server ({@code keel serve} mounts it at
 * {@code POST /v1/realtime/token}): authenticate the caller, rate-limit per user, validate the
 * request, mint a client secret upstream and answer {@code {value, expires_at, rotate_at}}. Status
 * rules: 401 unknown caller, 429 over the user's rate (with {@code Retry-After}), 400 bad body or
 * lifetime outside 60–300 s, 502 when the upstream could not be reached or refused the sidecar's own
 * credentials (401/403: the upstream's words stay on the server), the upstream's own status when it
 * refused the request. The body is read only after the caller is authenticated and admitted, so an
 * unknown caller cannot make the server wait for a body. Refusals are counted in {@code
 * realtime_token_refused_total{reason}} (never one log line each); issued tokens in {@code
 * realtime_token_issued_total}. The real API key never leaves the server and the secret never reaches
 * the logs. Thread-safe.
 */
public final class TokenService {

    private static final Logger log = LoggerFactory.getLogger(TokenService.class);

    /** One HTTP answer: status, JSON body and extra headers. */
    public record Reply(int status, ObjectNode body, Map<String, String> headers) {}

    private final Authenticator authenticator;
    private final UserRateLimiter limiter;
    private final TokenIssuer issuer;
    private final TokenRequest defaults;
    private final MeterRegistry metrics;

    public TokenService(
            Authenticator authenticator, UserRateLimiter limiter, TokenIssuer issuer, TokenRequest defaults) {
        this(authenticator, limiter, issuer, defaults, new CompositeMeterRegistry());
    }

    /** A service whose counters land in {@code metrics}. */
    public TokenService(
            Authenticator authenticator,
            UserRateLimiter limiter,
            TokenIssuer issuer,
            TokenRequest defaults,
            MeterRegistry metrics) {
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.issuer = issuer;
        this.defaults = defaults;
        this.metrics = metrics;
    }

    /** The per-user rate limiter, e.g. to change its rate when the configuration is reloaded. */
    public UserRateLimiter limiter() {
        return limiter;
    }

    /**
     * A request body that could not be read (too large, cut, too slow); the route answers with its
     * status and an OpenAI-shaped error.
     */
    public static final class BodyException extends RuntimeException {
        private final int status;
        private final String code;

        public BodyException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    /**
     * Handles one request.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param body the request body (empty takes the defaults)
     */
    public Reply handle(String authorization, byte[] body) {
        return handle(authorization, () -> body);
    }

    /**
     * Handles one request, reading the body only once the caller is authenticated and admitted.
     *
     * @param body reads the request body (empty takes the defaults); may throw {@link BodyException}
     */
    public Reply handle(String authorization, Supplier<byte[]> body) {
        Optional<String> user = authenticator.userFor(bearer(authorization));
        if (user.isEmpty()) {
            refused("unauthorized");
            return error(
                    401,
                    "invalid_request_error",
                    "unauthorized",
                    "Unknown or missing app token: send 'Authorization: Bearer <app token>' issued to this device.",
                    null);
        }
        if (limiter.tryAcquire(user.get()) instanceof UserRateLimiter.Verdict.Refused r) {
            long seconds = Math.max(1, (r.retryAfter().toMillis() + 999) / 1000);
            refused("rate_limited");
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
            byte[] bytes = body.get();
            request = TokenRequest.fromJson(bytes == null || bytes.length == 0 ? null : Json.parse(bytes), defaults);
        } catch (BodyException e) {
            refused(e.code());
            return error(e.status(), "invalid_request_error", e.code(), e.getMessage(), null);
        } catch (InvalidTokenRequestException e) {
            refused("invalid_request");
            return error(400, "invalid_request_error", "invalid_value", e.getMessage(), e.param());
        } catch (JsonSyntaxException e) {
            refused("invalid_request");
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
                io.micrometer.core.instrument.Counter.builder("realtime_token_issued_total")
                        .description("ephemeral realtime tokens issued to devices")
                        .register(metrics)
                        .increment();
                ObjectNode out = Json.object();
                out.put("value", i.token().value());
                out.put("expires_at", i.token().expiresAt().getEpochSecond());
                out.put("rotate_at", i.token().rotateAt().getEpochSecond());
                yield new Reply(200, out, Map.of("Cache-Control", "no-store"));
            }
            case TokenIssuer.Outcome.UpstreamStatus s
            when isCredentialRefusal(s.status()) -> {
                log.warn(
                        "realtime token failed user={} upstream_status={} reason=upstream_credentials_refused"
                                + " (check the sidecar's OPENAI_API_KEY)",
                        user,
                        s.status());
                refused("upstream_auth");
                yield error(
                        502,
                        "upstream_error",
                        "upstream_auth_failed",
                        "The sidecar could not issue a session token: the Realtime API refused the sidecar's"
                                + " credentials. This is a server-side problem; retry later.",
                        null);
            }
            case TokenIssuer.Outcome.UpstreamStatus s -> {
                log.warn("realtime token failed user={} upstream_status={}", user, s.status());
                refused("upstream_status");
                yield new Reply(s.status(), s.body(), Map.of());
            }
            case TokenIssuer.Outcome.TransportFailure f -> {
                refused("upstream_unavailable");
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

    /** A 401 or 403 from upstream is about the sidecar's key, not the device's request. */
    private static boolean isCredentialRefusal(int status) {
        return status == 401 || status == 403;
    }

    private void refused(String reason) {
        io.micrometer.core.instrument.Counter.builder("realtime_token_refused_total")
                .description(
                        "realtime token requests refused, by reason (rate_limited, unauthorized, upstream_auth_failed, ...)")
                .tag("reason", reason)
                .register(metrics)
                .increment();
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
