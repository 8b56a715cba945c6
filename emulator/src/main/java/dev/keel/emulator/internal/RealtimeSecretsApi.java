package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /v1/realtime/client_secrets} (GA shape): issues an {@code ek_…} value that expires
 * after {@code expires_after.seconds} (10–7200, default 600) with the effective session config, and
 * remembers it so realtime connections can be authenticated with it. Thread-safe.
 */
public final class RealtimeSecretsApi {

    private final InstantSource clock;
    private final Map<String, Long> issued = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> sessions = new ConcurrentHashMap<>();

    public RealtimeSecretsApi(InstantSource clock) {
        this.clock = clock;
    }

    /** Issues a client secret. @throws ApiException for an invalid request */
    public ObjectNode create(JsonNode body) {
        JsonNode req = body == null || body.isNull() ? Json.object() : Fields.object(body);
        long seconds = expirySeconds(req.path("expires_after"));
        long now = clock.instant().getEpochSecond();
        String value = Ids.hex("ek_");
        issued.put(value, now + seconds);
        ObjectNode out = Json.object();
        out.put("value", value);
        out.put("expires_at", now + seconds);
        ObjectNode session = session(req.path("session"), now + seconds);
        sessions.put(value, session);
        out.set("session", session);
        return out;
    }

    /** Whether {@code value} was issued here and has not expired. */
    public boolean isValid(String value) {
        Long expiresAt = issued.get(value);
        return expiresAt != null && clock.instant().getEpochSecond() < expiresAt;
    }

    /** The session config a secret was issued with, or null for a value not issued here. */
    public ObjectNode sessionOf(String value) {
        ObjectNode s = sessions.get(value);
        return s == null ? null : s.deepCopy();
    }

    private static long expirySeconds(JsonNode expiresAfter) {
        if (expiresAfter.isMissingNode() || expiresAfter.isNull()) {
            return 600;
        }
        if (!"created_at".equals(expiresAfter.path("anchor").asText("created_at"))) {
            throw ApiException.invalid(
                    "Invalid value for 'expires_after.anchor': only 'created_at' is supported.",
                    "expires_after.anchor",
                    "invalid_value");
        }
        long s = expiresAfter.path("seconds").asLong(600);
        if (s < 10 || s > 7200) {
            throw ApiException.invalid(
                    "Invalid 'expires_after.seconds': expected a value between 10 and 7200, but got " + s + " instead.",
                    "expires_after.seconds",
                    "invalid_value");
        }
        return s;
    }

    /** The effective session config for a requested one (GA shape). @throws ApiException for a bad type */
    static ObjectNode session(JsonNode requested, long expiresAt) {
        String type = requested.path("type").asText("realtime");
        if (!type.equals("realtime") && !type.equals("transcription")) {
            throw ApiException.invalid(
                    "Invalid value: '" + type + "'. Supported values are: 'realtime' and 'transcription'.",
                    "session.type",
                    "invalid_value");
        }
        ObjectNode s = Json.object();
        s.put("type", type);
        s.put("object", "realtime.session");
        s.put("id", Ids.alnum("sess_"));
        s.put("model", requested.path("model").asText("gpt-realtime"));
        s.set(
                "output_modalities",
                requested.has("output_modalities")
                        ? requested.get("output_modalities")
                        : Json.array().add("audio"));
        s.put("instructions", requested.path("instructions").asText(""));
        s.set("tools", requested.has("tools") ? requested.get("tools") : Json.array());
        s.put("tool_choice", "auto");
        s.put("max_output_tokens", "inf");
        s.putNull("tracing");
        s.put("truncation", "auto");
        s.putNull("prompt");
        s.put("expires_at", expiresAt);
        ObjectNode audio = s.putObject("audio");
        ObjectNode in = audio.putObject("input");
        in.putObject("format").put("type", "audio/pcm").put("rate", 24000);
        ObjectNode td = in.putObject("turn_detection");
        td.put("type", "server_vad");
        td.put("threshold", 0.5);
        td.put("prefix_padding_ms", 300);
        td.put("silence_duration_ms", 200);
        td.putNull("idle_timeout_ms");
        td.put("create_response", true);
        td.put("interrupt_response", true);
        ObjectNode out = audio.putObject("output");
        out.putObject("format").put("type", "audio/pcm").put("rate", 24000);
        out.put("voice", requested.path("audio").path("output").path("voice").asText("alloy"));
        out.put("speed", 1.0);
        return s;
    }
}
