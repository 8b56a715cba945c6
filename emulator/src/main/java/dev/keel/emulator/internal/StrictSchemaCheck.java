package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Refuses a strict structured-output schema the way the API does: the root must be an object (not
 * {@code anyOf}), every object must set {@code additionalProperties: false} and list every property
 * in {@code required}, and {@code allOf}/{@code not}/{@code if} are not supported. Stateless.
 */
final class StrictSchemaCheck {

    private static final Set<String> UNSUPPORTED = Set.of("allOf", "not", "if", "then", "else", "dependentRequired");

    private StrictSchemaCheck() {}

    /** @throws ApiException 400 {@code invalid_json_schema}, naming the schema, the place and the rule */
    static void check(String name, JsonNode schema, String param) {
        if (!"object".equals(schema.path("type").asText()) || schema.has("anyOf")) {
            throw fail(
                    name,
                    "()",
                    "schema must be a JSON Schema of 'type: \"object\"', got 'type: \""
                            + schema.path("type").asText("None") + "\"'.",
                    param);
        }
        walk(name, schema, "", param, new HashSet<>());
    }

    private static void walk(String name, JsonNode s, String ctx, String param, Set<JsonNode> seen) {
        if (!s.isObject() || !seen.add(s)) {
            return;
        }
        for (String k : UNSUPPORTED) {
            if (s.has(k)) {
                throw fail(name, ctx, "'" + k + "' is not permitted.", param);
            }
        }
        if (s.has("properties") || "object".equals(s.path("type").asText())) {
            checkObject(name, s, ctx, param);
        }
        s.properties().forEach(e -> {
            JsonNode v = e.getValue();
            String here = ctx.isEmpty() ? "'" + e.getKey() + "'" : ctx + ", '" + e.getKey() + "'";
            if (v.isObject()) {
                walk(name, v, here, param, seen);
            } else if (v.isArray()) {
                v.forEach(x -> walk(name, x, here, param, seen));
            }
        });
    }

    private static void checkObject(String name, JsonNode s, String ctx, String param) {
        JsonNode ap = s.get("additionalProperties");
        if (ap == null || !ap.isBoolean() || ap.asBoolean()) {
            throw fail(name, ctx, "'additionalProperties' is required to be supplied and to be false.", param);
        }
        Set<String> required = new HashSet<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        for (var it = s.path("properties").fieldNames(); it.hasNext(); ) {
            String prop = it.next();
            if (!required.contains(prop)) {
                throw fail(
                        name,
                        ctx,
                        "'required' is required to be supplied and to be an array including every key"
                                + " in properties. Missing '" + prop + "'.",
                        param);
            }
        }
    }

    private static ApiException fail(String name, String ctx, String rule, String param) {
        return ApiException.invalid(
                "Invalid schema for response_format '" + name + "': In context=(" + ctx + "), " + rule,
                param,
                "invalid_json_schema");
    }
}
