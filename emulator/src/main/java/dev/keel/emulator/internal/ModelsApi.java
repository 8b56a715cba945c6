package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.Models;
import dev.keel.wire.json.Json;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} over the emulator's configured {@link
 * Models} — the same list that refuses unknown models on every other route, so what is listed is
 * exactly what is accepted. Immutable and thread-safe.
 */
final class ModelsApi {

    /** {@code created} of every listed model: a fixed instant, so answers are reproducible. */
    static final long CREATED = 1_735_689_600L; // 2025-01-01T00:00:00Z

    private final Models models;

    ModelsApi(Models models) {
        this.models = models;
    }

    /** {@code GET /v1/models}: {@code {object:"list", data:[Model…]}}, the listed base ids. */
    ObjectNode list() {
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        models.ids().forEach(id -> data.add(model(id)));
        return out;
    }

    /**
     * {@code GET /v1/models/{id}}: a listed model, a dated snapshot of one or a fine-tune of one.
     *
     * @throws ApiException 404 {@code model_not_found} for a model it does not know
     */
    ObjectNode retrieve(String id) {
        if (!models.knows(id)) {
            throw notFound(id);
        }
        return model(id);
    }

    /** The API's answer to a model it does not know, worded as the API words it. */
    static ApiException notFound(String id) {
        return new ApiException(
                404,
                "The model '" + id + "' does not exist or you do not have access to it.",
                "invalid_request_error",
                "model",
                "model_not_found");
    }

    private static ObjectNode model(String id) {
        ObjectNode m = Json.object();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", CREATED);
        m.put("owned_by", id.startsWith("ft:") ? "user" : "system");
        return m;
    }
}
