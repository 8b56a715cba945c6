package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The models the emulator knows, served by {@code GET /v1/models} and {@code GET /v1/models/{id}}.
 *
 * <p>{@link #defaults()} lists the models of keel's price table ({@code dev/keel/core/cost/prices.json}
 * in keel-core) plus the realtime models the emulator's WebSocket serves. A dated snapshot of a known
 * model ({@code gpt-4.1-mini-2025-04-14}) is known too, as the price table prices it. {@link
 * #contains(String)} is the one question a route that refuses unknown models needs to ask. Immutable
 * and thread-safe.
 */
public final class Models {

    /** The realtime models the emulator serves besides the price table's (which lists text and embedding models). */
    static final List<String> REALTIME = List.of("gpt-realtime", "gpt-realtime-mini", "gpt-4o-realtime-preview");

    /** {@code created} of every listed model: a fixed instant, so answers are reproducible. */
    static final long CREATED = 1_735_689_600L; // 2025-01-01T00:00:00Z

    private static final String PRICES = "/dev/keel/core/cost/prices.json";
    private static final Pattern SNAPSHOT_SUFFIX = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$");

    private final Set<String> ids;

    private Models(Collection<String> ids) {
        var copy = new LinkedHashSet<String>();
        ids.forEach(id -> copy.add(id.toLowerCase(Locale.ROOT)));
        this.ids = java.util.Collections.unmodifiableSet(copy);
    }

    /** The price table's models and the realtime models, in that order. */
    public static Models defaults() {
        var all = new ArrayList<>(priceTableModels());
        all.addAll(REALTIME);
        return new Models(all);
    }

    /** Exactly these model ids (and their dated snapshots). */
    public static Models of(Collection<String> ids) {
        return new Models(ids);
    }

    /** The ids listed, in order. */
    public List<String> ids() {
        return List.copyOf(ids);
    }

    /** Whether {@code id} is a listed model or a dated snapshot of one. */
    public boolean contains(String id) {
        if (id == null) {
            return false;
        }
        String key = id.toLowerCase(Locale.ROOT);
        return ids.contains(key) || ids.contains(SNAPSHOT_SUFFIX.matcher(key).replaceFirst(""));
    }

    /** The {@code Model} object for {@code id}, if known. */
    public Optional<ObjectNode> find(String id) {
        return contains(id) ? Optional.of(model(id)) : Optional.empty();
    }

    /**
     * {@code GET /v1/models/{id}}.
     *
     * @throws ApiException 404 {@code model_not_found} for a model it does not know
     */
    public ObjectNode retrieve(String id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    /** {@code GET /v1/models}: {@code {object:"list", data:[Model…]}}. */
    public ObjectNode list() {
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        ids.forEach(id -> data.add(model(id)));
        return out;
    }

    /** The API's answer to a model it does not know, worded as the API words it. */
    public static ApiException notFound(String id) {
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
        m.put("owned_by", "system");
        return m;
    }

    private static List<String> priceTableModels() {
        try (InputStream in = Models.class.getResourceAsStream(PRICES)) {
            if (in == null) {
                throw new IllegalStateException("keel-core's price table " + PRICES + " is not on the class path");
            }
            JsonNode models = Json.mapper().readTree(in).path("models");
            var out = new ArrayList<String>();
            models.fieldNames().forEachRemaining(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the price table " + PRICES, e);
        }
    }
}
