package dev.keel.structured.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.structured.schema.internal.Schemas;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tolerant reading of an output against its version's schema: drops properties the schema does
 * not define, fills missing or mistyped fields from the default policy (a configured default, else
 * {@code null} for a nullable field, else {@code []} for an array), maps values outside an enum to
 * the unknown marker, and drops array items of the wrong type. Every repair is recorded as a {@link
 * Reason}. Not thread-safe; one per decode.
 */
final class CompatReader {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final JsonNode root;
    private final Map<String, JsonNode> defaults;
    private final String unknownEnum;
    private final List<Reason> reasons = new ArrayList<>();
    private Reason failure;

    private CompatReader(JsonNode root, Map<String, JsonNode> defaults, String unknownEnum) {
        this.root = root;
        this.defaults = defaults;
        this.unknownEnum = unknownEnum;
    }

    /** The outcome: the repaired JSON and the repairs, or the reason it cannot be repaired. */
    record Result(JsonNode value, List<Reason> repairs, Reason failure) {}

    static Result read(JsonNode schema, ObjectNode instance, Map<String, JsonNode> defaults, String unknownEnum) {
        var reader = new CompatReader(schema, defaults, unknownEnum);
        ObjectNode copy = instance.deepCopy();
        reader.object(schema, copy, "");
        return new Result(reader.failure == null ? copy : null, List.copyOf(reader.reasons), reader.failure);
    }

    private void object(JsonNode schemaNode, ObjectNode value, String path) {
        JsonNode s = Schemas.structural(root, schemaNode);
        JsonNode props = s.path("properties");
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!props.has(k)) {
                it.remove();
                reasons.add(Reason.of(ReasonKind.UNKNOWN_PROPERTY, join(path, k), "ignored"));
            }
        }
        props.properties().forEach(p -> property(p.getKey(), p.getValue(), value, join(path, p.getKey())));
    }

    private void property(String key, JsonNode schemaNode, ObjectNode parent, String field) {
        JsonNode v = parent.get(key);
        Set<String> types = Schemas.types(root, schemaNode);
        if (v == null || !Schemas.typeAllows(types, v)) {
            String why = v == null ? "missing" : "wrong type " + Schemas.typeOf(v);
            JsonNode replacement = replacement(field, types);
            if (replacement == null) {
                fail(Reason.of(
                        v == null ? ReasonKind.FIELD_MISSING : ReasonKind.WRONG_TYPE, field, why + ", no default"));
                return;
            }
            parent.set(key, replacement);
            if (v != null) {
                reasons.add(Reason.of(ReasonKind.WRONG_TYPE, field, "got " + Schemas.typeOf(v)));
            }
            reasons.add(Reason.of(ReasonKind.FIELD_DEFAULTED, field, why + ": default " + replacement));
            return;
        }
        value(schemaNode, v, field, parent, key);
    }

    private void value(JsonNode schemaNode, JsonNode v, String field, ObjectNode parent, String key) {
        JsonNode s = Schemas.structural(root, schemaNode);
        if (s.has("enum") && !v.isNull() && !contains(s.get("enum"), v)) {
            String raw = v.isTextual() ? v.asText() : v.toString();
            reasons.add(Reason.of(ReasonKind.ENUM_UNKNOWN, field, raw));
            parent.set(key, F.textNode(unknownEnum));
        } else if (v instanceof ObjectNode o) {
            object(s, o, field);
        } else if (v instanceof ArrayNode a) {
            array(s, a, field);
        }
    }

    private void array(JsonNode s, ArrayNode a, String field) {
        JsonNode items = s.path("items");
        Set<String> types = Schemas.types(root, items);
        for (int i = a.size() - 1; i >= 0; i--) {
            JsonNode item = a.get(i);
            if (!Schemas.typeAllows(types, item)) {
                a.remove(i);
                reasons.add(Reason.of(
                        ReasonKind.WRONG_TYPE, field + "[]", "dropped an item of type " + Schemas.typeOf(item)));
            } else if (item instanceof ObjectNode o) {
                object(items, o, field + "[]");
            }
        }
    }

    private JsonNode replacement(String field, Set<String> types) {
        if (defaults.containsKey(field)) {
            return defaults.get(field).deepCopy();
        }
        if (types.contains("null")) {
            return F.nullNode();
        }
        if (types.contains("array")) {
            return F.arrayNode();
        }
        return null;
    }

    private void fail(Reason r) {
        if (failure == null) {
            failure = r;
        }
    }

    private static boolean contains(JsonNode values, JsonNode v) {
        for (JsonNode x : values) {
            if (x.equals(v)) {
                return true;
            }
        }
        return false;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
