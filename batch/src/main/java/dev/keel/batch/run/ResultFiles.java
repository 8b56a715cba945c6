package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads a batch's output and error files (OpenAI's line format) into one outcome per {@code
 * custom_id}; order in the files does not matter. A success wins over a failure for the same id.
 */
final class ResultFiles {

    private ResultFiles() {}

    /** Adds the outcomes of {@code file} to {@code into}; returns the number of unreadable lines. */
    static int read(byte[] file, Map<String, LineOutcome> into) {
        int unreadable = 0;
        int start = 0;
        for (int i = 0; i <= file.length; i++) {
            if (i == file.length || file[i] == '\n') {
                if (i > start) {
                    LineOutcome o = parse(new String(file, start, i - start, StandardCharsets.UTF_8));
                    if (o == null) {
                        unreadable++;
                    } else if (!(into.get(o.customId()) instanceof LineOutcome.Success)) {
                        into.put(o.customId(), o);
                    }
                }
                start = i + 1;
            }
        }
        return unreadable;
    }

    static LineOutcome parse(String line) {
        JsonNode j;
        try {
            j = Json.parse(line);
        } catch (JsonSyntaxException e) {
            return null;
        }
        String customId = j.path("custom_id").asText(null);
        if (customId == null) {
            return null;
        }
        JsonNode response = j.get("response");
        if (response != null && response.isObject()) {
            int status = response.path("status_code").asInt(0);
            JsonNode body = response.path("body");
            if (status == 200) {
                return new LineOutcome.Success(
                        customId, response.path("request_id").asText(null), body);
            }
            JsonNode error = body.path("error");
            String type = error.path("type").asText(null);
            String code = error.path("code").asText(null);
            if (code == null || code.isBlank()) {
                code = type == null || type.isBlank() ? "http_" + status : type;
            }
            return new LineOutcome.Failure(
                    customId, code, type, status, error.path("message").asText(null));
        }
        JsonNode error = j.path("error");
        return new LineOutcome.Failure(
                customId,
                error.path("code").asText("missing_result"),
                null,
                null,
                error.path("message").asText(null));
    }
}
