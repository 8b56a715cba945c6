package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Refuses a strict schema (a structured-output {@code text.format}/{@code response_format}, or the
 * {@code parameters} of a strict function tool) the way the API does: the root must be an object
 * (not {@code anyOf}), every object must set {@code additionalProperties: false} and list every
 * property in {@code required}, and {@code allOf}/{@code not}/{@code if} are not supported. Stateless.
 */
final class StrictSchemaCheck {

    private static final Set<String> UNSUPPORTED = Set.of("allOf", "not", "if", "then", "else", "dependentRequired");

    /** What is checked, as the API's message names it, and the error code. */
    private record Label(String what, String code, String name, String param) {}

    private StrictSchemaCheck() {}

    /** @throws ApiException 400 {@code invalid_json_schema}, naming the schema, the place and the rule */
    static void check(String name, JsonNode schema, String param) {
        check(new Label("response_format", "invalid_json_schema", name, param), schema);
    }

    /**
     * A strict function tool's {@code parameters}, refused as the API refuses them.
     *
     * @throws ApiException 400 {@code invalid_function_parameters}, naming the function, the place and the rule
     */
    static void checkFunction(String name, JsonNode schema, String param) {
        check(new Label("function", "invalid_function_parameters", name, param), schema);
    }

    private static void check(Label label, JsonNode schema) {
        if (!"object".equals(schema.path("type").asText()) || schema.has("anyOf")) {
            throw fail(
                    label,
                    "()",
                    "schema must be a JSON Schema of 'type: \"object\"', got 'type: \""
                            + schema.path("type").asText("None") + "\"'.");
        }
        walk(label, schema, "", new HashSet<>());
    }

    private static void walk(Label label, JsonNode s, String ctx, Set<JsonNode> seen) {
        if (!s.isObject() || !seen.add(s)) {
            return;
        }
        for (String k : UNSUPPORTED) {
            if (s.has(k)) {
                throw fail(label, ctx, "'" + k + "' is not permitted.");
            }
        }
        if (s.has("properties") || "object".equals(s.path("type").asText())) {
            checkObject(label, s, ctx);
        }
        s.properties().forEach(e -> {
            JsonNode v = e.getValue();
            String here = ctx.isEmpty() ? "'" + e.getKey() + "'" : ctx + ", '" + e.getKey() + "'";
            if (v.isObject()) {
                walk(label, v, here, seen);
            } else if (v.isArray()) {
                v.forEach(x -> walk(label, x, here, seen));
            }
        });
    }

    private static void checkObject(Label label, JsonNode s, String ctx) {
        JsonNode ap = s.get("additionalProperties");
        if (ap == null || !ap.isBoolean() || ap.asBoolean()) {
            throw fail(label, ctx, "'additionalProperties' is required to be supplied and to be false.");
        }
        Set<String> required = new HashSet<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        for (var it = s.path("properties").fieldNames(); it.hasNext(); ) {
            String prop = it.next();
            if (!required.contains(prop)) {
                throw fail(
                        label,
                        ctx,
                        "'required' is required to be supplied and to be an array including every key"
                                + " in properties. Missing '" + prop + "'.");
            }
        }
    }

    private static ApiException fail(Label label, String ctx, String rule) {
        return ApiException.invalid(
                "Invalid schema for " + label.what() + " '" + label.name() + "': In context=(" + ctx + "), " + rule,
                label.param(),
                label.code());
    }
}
