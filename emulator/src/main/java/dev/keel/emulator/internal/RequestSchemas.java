package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The official spec's request schemas of the emulator's routes, read once per JVM from the compact
 * extract {@code dev/keel/emulator/request-schemas.json} (generated from the spec by a test that
 * fails when it drifts; MIT notice beside it). Immutable and thread-safe.
 */
final class RequestSchemas {

    private static final String RESOURCE = "/dev/keel/emulator/request-schemas.json";
    private static final String PREFIX = "#/components/schemas/";

    private final JsonNode routes;
    private final JsonNode schemas;

    private RequestSchemas(JsonNode root) {
        this.routes = root.get("routes");
        this.schemas = root.get("schemas");
    }

    /** The shared instance, loaded on first use. */
    static RequestSchemas get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final RequestSchemas INSTANCE = load();
    }

    private static RequestSchemas load() {
        try (InputStream in = RequestSchemas.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the request-schema extract " + RESOURCE + " is missing from the jar");
            }
            return new RequestSchemas(Json.mapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The request schema of a route, e.g. {@code /v1/responses}. @throws IllegalArgumentException for another */
    JsonNode forRoute(String route) {
        JsonNode name = routes.get(route);
        if (name == null) {
            throw new IllegalArgumentException("no request schema for " + route);
        }
        return schemas.get(name.asText());
    }

    /** {@code s} with its {@code $ref}s followed. */
    JsonNode resolve(JsonNode s) {
        JsonNode at = s;
        for (int hops = 0; at.has("$ref") && hops < 32; hops++) {
            at = schemas.path(at.get("$ref").asText().substring(PREFIX.length()));
        }
        return at;
    }
}
