package dev.keel.structured.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reading JSON Schema nodes: {@code $ref} resolution, the types a node allows, nullability. Stateless. */
public final class Schemas {

    private Schemas() {}

    /** Follows {@code $ref} ({@code #} or a JSON pointer into {@code root}); a missing target gives an empty node. */
    public static JsonNode resolve(JsonNode root, JsonNode schema) {
        JsonNode s = schema;
        for (int hops = 0; s != null && s.has("$ref") && hops < 32; hops++) {
            String ref = s.get("$ref").asText();
            s = ref.equals("#") ? root : ref.startsWith("#/") ? root.at(ref.substring(1)) : null;
        }
        return s == null || s.isMissingNode()
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                : s;
    }

    /** The JSON types a node allows, {@code null} included, in schema order. */
    public static Set<String> types(JsonNode root, JsonNode schema) {
        JsonNode s = resolve(root, schema);
        Set<String> out = new LinkedHashSet<>();
        JsonNode t = s.get("type");
        if (t != null && t.isArray()) {
            t.forEach(x -> out.add(x.asText()));
        } else if (t != null) {
            out.add(t.asText());
        } else if (s.has("enum")) {
            s.get("enum").forEach(v -> out.add(typeOf(v)));
        } else if (s.has("const")) {
            out.add(typeOf(s.get("const")));
        } else if (combinator(s) != null) {
            s.get(combinator(s)).forEach(b -> out.addAll(types(root, b)));
        } else if (s.has("properties")) {
            out.add("object");
        } else if (s.has("items")) {
            out.add("array");
        }
        if (combinator(s) != null && t != null) {
            s.get(combinator(s)).forEach(b -> out.addAll(types(root, b)));
        }
        return out;
    }

    /** {@code anyOf} or {@code oneOf} when the (resolved) node is a combinator of branches, else null. */
    public static String combinator(JsonNode s) {
        for (String k : List.of("anyOf", "oneOf")) {
            if (s.path(k).isArray()) {
                return k;
            }
        }
        return null;
    }

    /**
     * The indices of a combinator's branches that allow more than {@code null}, in order; empty when
     * the node is no combinator. A node with two or more is a union ({@code anyOf: [X, {type: null}]}
     * is only a nullable X).
     */
    public static List<Integer> valueBranches(JsonNode root, JsonNode schema) {
        JsonNode s = resolve(root, schema);
        String k = combinator(s);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; k != null && i < s.get(k).size(); i++) {
            if (!Set.of("null").equals(types(root, s.get(k).get(i)))) {
                out.add(i);
            }
        }
        return out;
    }

    /** The types without {@code null}. */
    public static Set<String> nonNullTypes(JsonNode root, JsonNode schema) {
        Set<String> t = types(root, schema);
        t.remove("null");
        return t;
    }

    public static boolean nullable(JsonNode root, JsonNode schema) {
        return types(root, schema).contains("null");
    }

    /**
     * The branch to descend into for structure (properties, items, enum): the node itself, or for an
     * {@code anyOf} or {@code oneOf} its first branch that is not just {@code null}.
     */
    public static JsonNode structural(JsonNode root, JsonNode schema) {
        JsonNode s = resolve(root, schema);
        if (combinator(s) == null) {
            return s;
        }
        for (JsonNode b : s.get(combinator(s))) {
            JsonNode r = resolve(root, b);
            if (!Set.of("null").equals(types(root, r))) {
                return r;
            }
        }
        return s;
    }

    /** The JSON type name of a value: string, integer, number, boolean, object, array or null. */
    public static String typeOf(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        return "null";
    }

    /** Whether a value of JSON type {@code actual} satisfies a schema type {@code allowed} (integer is a number). */
    public static boolean typeAllows(Set<String> allowed, JsonNode value) {
        String t = typeOf(value);
        if (allowed.isEmpty() || allowed.contains(t)) {
            return true;
        }
        if (t.equals("integer") && allowed.contains("number")) {
            return true;
        }
        return t.equals("number")
                && allowed.contains("integer")
                && value.decimalValue().stripTrailingZeros().scale() <= 0;
    }
}
