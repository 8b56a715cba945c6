package dev.keel.realtime.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;

/**
 * What a caller of the token endpoint may choose: model, voice (default {@code alloy}),
 * instructions and the lifetime (60–300 s, default 300). Immutable.
 *
 * @param model the realtime model, e.g. {@code gpt-realtime}
 * @param voice the output voice
 * @param instructions system instructions for the session, or null
 * @param expiresAfterSeconds the secret's lifetime in seconds, 60–300
 */
public record TokenRequest(String model, String voice, String instructions, int expiresAfterSeconds) {

    public static final int MIN_SECONDS = 60;
    public static final int MAX_SECONDS = 300;
    public static final String DEFAULT_MODEL = "gpt-realtime";
    public static final String DEFAULT_VOICE = "alloy";

    /** @throws InvalidTokenRequestException naming the field when a value is out of range */
    public TokenRequest {
        if (expiresAfterSeconds < MIN_SECONDS || expiresAfterSeconds > MAX_SECONDS) {
            throw new InvalidTokenRequestException(
                    "expires_after.seconds",
                    "expires_after.seconds must be between " + MIN_SECONDS + " and " + MAX_SECONDS + ", got "
                            + expiresAfterSeconds + "; omit it for the default of " + MAX_SECONDS);
        }
        if (model == null || model.isBlank()) {
            model = DEFAULT_MODEL;
        }
        if (voice == null || voice.isBlank()) {
            voice = DEFAULT_VOICE;
        }
    }

    /** The defaults: {@code gpt-realtime}, {@code alloy}, no instructions, 300 s. */
    public static TokenRequest ofDefaults() {
        return new TokenRequest(DEFAULT_MODEL, DEFAULT_VOICE, null, MAX_SECONDS);
    }

    /**
     * Reads {@code {model?, voice?, instructions?, expires_after?: {seconds}}} (an empty body takes
     * the defaults; {@code defaults} fills what is missing).
     *
     * @throws InvalidTokenRequestException for a wrong type or an out-of-range lifetime
     */
    public static TokenRequest fromJson(JsonNode body, TokenRequest defaults) {
        JsonNode b = body == null || body.isNull() || body.isMissingNode() ? Json.object() : body;
        if (!b.isObject()) {
            throw new InvalidTokenRequestException(null, "the body must be a JSON object");
        }
        JsonNode seconds = b.at("/expires_after/seconds");
        if (!seconds.isMissingNode() && !seconds.isIntegralNumber()) {
            throw new InvalidTokenRequestException("expires_after.seconds", "expires_after.seconds must be an integer");
        }
        return new TokenRequest(
                text(b, "model", defaults.model()),
                text(b, "voice", defaults.voice()),
                text(b, "instructions", defaults.instructions()),
                seconds.isMissingNode() ? defaults.expiresAfterSeconds() : seconds.asInt());
    }

    private static String text(JsonNode b, String field, String fallback) {
        JsonNode v = b.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new InvalidTokenRequestException(field, field + " must be a string");
        }
        return v.asText();
    }

    /** The upstream {@code POST /v1/realtime/client_secrets} body (GA shape). */
    public ObjectNode toClientSecretsBody() {
        ObjectNode body = Json.object();
        body.putObject("expires_after").put("anchor", "created_at").put("seconds", expiresAfterSeconds);
        ObjectNode session = body.putObject("session");
        session.put("type", "realtime");
        session.put("model", model);
        if (instructions != null) {
            session.put("instructions", instructions);
        }
        session.putObject("audio").putObject("output").put("voice", voice);
        return body;
    }
}
