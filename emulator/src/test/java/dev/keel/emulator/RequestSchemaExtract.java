package dev.keel.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Derives the emulator's compact request-schema extract ({@code dev/keel/emulator/request-schemas.json}
 * in main resources) from the official spec: each route's request schema and every component it
 * reaches by {@code $ref}, keeping only the keywords the validator reads. Stateless.
 */
final class RequestSchemaExtract {

    /** Route to the spec's request schema name, in the order the extract lists them. */
    static final Map<String, String> ROUTES = new TreeMap<>(Map.of(
            "/v1/responses", "CreateResponse",
            "/v1/chat/completions", "CreateChatCompletionRequest",
            "/v1/embeddings", "CreateEmbeddingRequest",
            "/v1/files", "CreateFileRequest",
            "/v1/batches", "CreateBatchRequest",
            "/v1/realtime/client_secrets", "RealtimeCreateClientSecretRequest"));

    /** The schema keywords kept; everything else (descriptions, examples, x-*) is dropped. */
    private static final Set<String> KEPT = Set.of(
            "type",
            "enum",
            "const",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "allOf",
            "anyOf",
            "oneOf",
            "$ref",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minItems",
            "maxItems",
            "minLength",
            "maxLength",
            "nullable");

    private static final String PREFIX = "#/components/schemas/";

    private RequestSchemaExtract() {}

    static ObjectNode derive(JsonNode spec) {
        JsonNode all = spec.path("components").path("schemas");
        ObjectNode out = Json.object();
        out.put(
                "$comment",
                "Generated from the official OpenAI OpenAPI spec (openai/openai-openapi, MIT License,"
                        + " Copyright (c) OpenAI; see request-schemas.NOTICE.md) by RequestSchemasTest. Do not edit.");
        out.put("spec_version", spec.path("info").path("version").asText());
        ObjectNode routes = out.putObject("routes");
        ROUTES.forEach(routes::put);
        Set<String> names = new java.util.TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(ROUTES.values());
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (names.add(name)) {
                collectRefs(all.get(name), todo);
            }
        }
        ObjectNode schemas = out.putObject("schemas");
        for (String name : names) {
            schemas.set(name, strip(all.get(name)));
        }
        return out;
    }

    private static void collectRefs(JsonNode node, Deque<String> todo) {
        if (node.isObject() && node.path("$ref").isTextual()) {
            todo.push(node.get("$ref").asText().substring(PREFIX.length()));
        }
        node.forEach(child -> collectRefs(child, todo));
    }

    private static JsonNode strip(JsonNode schema) {
        if (!schema.isObject()) {
            return schema;
        }
        ObjectNode out = Json.object();
        schema.properties().forEach(e -> {
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (!KEPT.contains(k)) {
                return;
            }
            switch (k) {
                case "properties" -> {
                    ObjectNode props = out.putObject(k);
                    v.properties().forEach(p -> props.set(p.getKey(), strip(p.getValue())));
                }
                case "allOf", "anyOf", "oneOf" -> {
                    ArrayNode list = out.putArray(k);
                    v.forEach(x -> list.add(strip(x)));
                }
                case "items", "additionalProperties" -> out.set(k, strip(v));
                default -> out.set(k, v);
            }
        });
        return out;
    }
}
