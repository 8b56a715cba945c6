package dev.keel.batch.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.CustomIds;
import dev.keel.batch.plan.LineCheck.Invalid;
import dev.keel.batch.plan.LineCheck.Valid;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

/**
 * Checks one line of batch input against OpenAI's line format, before anything is uploaded: valid
 * UTF-8 and exactly one JSON value without duplicate keys or trailing bytes ({@link StrictJson}),
 * exactly {@code custom_id}, {@code method}, {@code url}, {@code body}; a {@code custom_id} both
 * ledgers can store ({@link CustomIds}); {@code POST}; a supported {@code url}; a {@code body} object
 * with a {@code model}; no {@code stream: true}; the line size. What it accepts it hands back
 * re-serialised ({@link Valid#canonical()}): those bytes, not the input's, are what is uploaded, so
 * nothing the check let through can differ from what the upstream reads. Uniqueness of {@code
 * custom_id} across a run is the planner's check. Stateless and thread-safe.
 */
public final class LineValidator {

    private static final Set<String> FIELDS = Set.of("custom_id", "method", "url", "body");

    private final long maxLineBytes;

    public LineValidator(long maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /** Checks {@code raw}, one line without its newline. */
    public LineCheck check(byte[] raw) {
        return check(raw, raw.length);
    }

    /** Checks {@code raw}, the start of a line {@code length} bytes long (longer lines arrive cut). */
    public LineCheck check(byte[] raw, long length) {
        if (length > maxLineBytes) {
            return new Invalid(
                    null,
                    "line is " + length + " bytes, over the " + maxLineBytes
                            + "-byte limit (--max-line-bytes); is a newline missing?");
        }
        JsonNode accepted = StrictJson.parseAccepted(raw);
        return accepted != null ? check(accepted, StrictJson.isCompact(raw) ? raw : null) : checkStrictly(raw);
    }

    /**
     * The check of a line {@link StrictJson#parseAccepted} did not take, reading it the exact way
     * (decoded, then parsed) so a refusal says where and why; also the reference the fast way is
     * tested against.
     */
    LineCheck checkStrictly(byte[] raw) {
        String text;
        try {
            text = StrictJson.utf8(raw);
        } catch (StrictJson.Refusal r) {
            return new Invalid(null, r.getMessage());
        }
        JsonNode line;
        try {
            line = StrictJson.parse(text);
        } catch (StrictJson.Refusal r) {
            return new Invalid(null, r.getMessage());
        }
        if (line == null || !line.isObject()) {
            return new Invalid(
                    null,
                    "expected a JSON object {custom_id, method, url, body}, got "
                            + (line == null
                                    ? "an empty line"
                                    : line.getNodeType().toString().toLowerCase()));
        }
        return check(line, null);
    }

    /** Checks a parsed line; {@code compact} is its input when that is already its canonical form, else null. */
    private LineCheck check(JsonNode line, byte[] compact) {
        JsonNode id = line.get("custom_id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            return new Invalid(null, "missing custom_id: every line needs a unique, non-blank string custom_id");
        }
        String customId = id.asText();
        String idProblem = CustomIds.problem(customId);
        if (idProblem != null) {
            return new Invalid(CustomIds.printable(customId), idProblem);
        }
        String problem = problem(line);
        if (problem != null) {
            return new Invalid(customId, problem);
        }
        byte[] canonical = compact;
        try {
            if (canonical == null) {
                canonical = Json.writeBytes(line);
            }
        } catch (RuntimeException e) {
            return new Invalid(
                    customId,
                    "cannot be written back as UTF-8 JSON (" + e.getMessage() + "); is a \\u escape a lone surrogate?");
        }
        JsonNode body = line.get("body");
        return new Valid(customId, line.get("url").asText(), body.get("model").asText(), body, canonical);
    }

    private static String problem(JsonNode line) {
        String unknown = unknownField(line);
        if (unknown != null) {
            return "unexpected property '" + unknown + "': a line has exactly custom_id, method, url, body";
        }
        JsonNode method = line.get("method");
        if (method == null || !"POST".equals(method.asText())) {
            return "method must be \"POST\", was " + (method == null ? "missing" : method.toString());
        }
        JsonNode url = line.get("url");
        if (url == null || !Endpoints.SUPPORTED.contains(url.asText())) {
            return "url " + (url == null ? "missing" : url.toString()) + " is not supported; use one of "
                    + String.join(", ", Endpoints.SUPPORTED);
        }
        JsonNode body = line.get("body");
        if (body == null || !body.isObject()) {
            return "body must be a JSON object with the request for " + url.asText();
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            return "body.model is missing: every request names its model";
        }
        if (body.path("stream").asBoolean(false)) {
            return "body.stream is true: the Batch API does not stream; remove it";
        }
        return null;
    }

    private static String unknownField(JsonNode line) {
        for (Iterator<String> it = line.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                return f;
            }
        }
        return null;
    }

    /** The text of {@code raw} for messages, cut to 80 characters. */
    static String excerpt(byte[] raw) {
        String s = new String(raw, 0, Math.min(raw.length, 80), StandardCharsets.UTF_8);
        return raw.length > 80 ? s + "…" : s;
    }
}
