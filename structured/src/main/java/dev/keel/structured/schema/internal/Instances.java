package dev.keel.structured.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;

/**
 * Builds a small valid instance of a schema (every property present, arrays with one item where
 * allowed, non-null choices first) and edits instances by path. Used to construct counterexamples.
 * Stateless.
 */
public final class Instances {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 12;

    private Instances() {}

    /** A valid instance of {@code schema} (within the strict subset; {@code pattern} is not honoured). */
    public static JsonNode minimal(JsonNode root, JsonNode schema) {
        return value(root, schema, 0);
    }

    /** A valid value of {@code schema} of the JSON type {@code type} (one of its enum values when it has one). */
    public static JsonNode ofType(JsonNode root, JsonNode schema, String type) {
        JsonNode s = Schemas.structural(root, schema);
        for (JsonNode v : s.path("enum")) {
            if (Schemas.typeAllows(java.util.Set.of(type), v)) {
                return v;
            }
        }
        return byType(root, s, type, 0);
    }

    private static JsonNode value(JsonNode root, JsonNode schema, int depth) {
        JsonNode s = Schemas.resolve(root, schema);
        if (s.has("const")) {
            return s.get("const");
        }
        if (s.has("enum")) {
            for (JsonNode v : s.get("enum")) {
                if (!v.isNull()) {
                    return v;
                }
            }
            return F.nullNode();
        }
        var types = Schemas.nonNullTypes(root, s);
        if (types.isEmpty() || (depth >= MAX_DEPTH && Schemas.nullable(root, s))) {
            return types.isEmpty() && !Schemas.nullable(root, s) ? F.textNode("x") : F.nullNode();
        }
        String type = types.iterator().next();
        return byType(root, Schemas.structural(root, s), type, depth);
    }

    private static JsonNode byType(JsonNode root, JsonNode s, String type, int depth) {
        if (Schemas.combinator(s) != null) {
            for (JsonNode b : s.get(Schemas.combinator(s))) {
                if (Schemas.types(root, b).contains(type)) {
                    return byType(root, Schemas.resolve(root, b), type, depth);
                }
            }
        }
        return switch (type) {
            case "object" -> object(root, s, depth);
            case "array" -> array(root, s, depth);
            case "integer" -> F.numberNode(integer(s));
            case "number" -> F.numberNode(new BigDecimal(integer(s)));
            case "boolean" -> F.booleanNode(false);
            case "null" -> F.nullNode();
            default -> F.textNode(string(s));
        };
    }

    private static ObjectNode object(JsonNode root, JsonNode s, int depth) {
        ObjectNode out = F.objectNode();
        s.path("properties").properties().forEach(p -> out.set(p.getKey(), value(root, p.getValue(), depth + 1)));
        return out;
    }

    private static ArrayNode array(JsonNode root, JsonNode s, int depth) {
        ArrayNode out = F.arrayNode();
        int n = Math.max(s.path("minItems").asInt(0), depth >= MAX_DEPTH ? 0 : 1);
        if (s.has("maxItems")) {
            n = Math.min(n, s.get("maxItems").asInt());
        }
        for (int i = 0; i < n; i++) {
            out.add(value(root, s.path("items"), depth + 1));
        }
        return out;
    }

    private static long integer(JsonNode s) {
        long lo = s.has("minimum") ? (long) Math.ceil(s.get("minimum").asDouble()) : 0;
        if (s.has("exclusiveMinimum")) {
            lo = Math.max(lo, (long) Math.floor(s.get("exclusiveMinimum").asDouble()) + 1);
        }
        long m = s.path("multipleOf").asLong(1);
        if (m > 1 && lo % m != 0) {
            lo = (Math.floorDiv(lo, m) + 1) * m;
        }
        return lo;
    }

    private static String string(JsonNode s) {
        String v = switch (s.path("format").asText("")) {
            case "date-time" -> "2026-01-01T00:00:00Z";
            case "date" -> "2026-01-01";
            case "time" -> "00:00:00Z";
            case "duration" -> "PT1M";
            case "email" -> "a@example.com";
            case "hostname" -> "example.com";
            case "ipv4" -> "192.0.2.1";
            case "ipv6" -> "2001:db8::1";
            case "uuid" -> "00000000-0000-4000-8000-000000000000";
            default -> "x";
        };
        return v.repeat(Math.max(1, s.path("minLength").asInt(0)));
    }

    /** The value at {@code path} ({@code []} steps into an array's first item), or null. */
    public static JsonNode at(JsonNode root, List<String> path) {
        JsonNode n = root;
        for (String step : path) {
            if (n == null) {
                return null;
            }
            n = step.equals("[]") ? n.get(0) : n.get(step);
        }
        return n;
    }

    /** Sets the value at {@code path}; returns false when the parent does not exist. */
    public static boolean set(JsonNode root, List<String> path, JsonNode value) {
        if (path.isEmpty()) {
            return false;
        }
        JsonNode parent = at(root, path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (last.equals("[]") && parent instanceof ArrayNode a) {
            if (a.isEmpty()) {
                a.add(value);
            } else {
                a.set(0, value);
            }
            return true;
        }
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
            return true;
        }
        return false;
    }

    /** Removes the property at {@code path}; returns false when there is none. */
    public static boolean remove(JsonNode root, List<String> path) {
        JsonNode parent = path.isEmpty() ? null : at(root, path.subList(0, path.size() - 1));
        return parent instanceof ObjectNode o && o.remove(path.get(path.size() - 1)) != null;
    }
}
