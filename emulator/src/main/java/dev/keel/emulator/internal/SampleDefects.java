package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.fault.FaultEffect.SampleDefect;
import dev.keel.wire.json.Json;
import java.util.Iterator;
import java.util.Map;

/**
 * Spoils a valid structured output in one named way, as a model sometimes does. Stateless.
 *
 * <p>{@code missing-field} drops the root's first required property; {@code unknown-enum} puts
 * {@code "unlisted_value"} into the first enum-typed property found (depth first), or drops a field
 * when the schema has no enum; {@code wrong-type} gives the root's first property a value of another
 * JSON type; {@code invalid-json} leaves the text unparseable. {@code refusal} and {@code
 * incomplete} are handled by {@link FakeModel}.
 */
final class SampleDefects {

    static final String UNLISTED = "unlisted_value";

    private SampleDefects() {}

    /** The JSON text of {@code instance} spoilt by {@code defect} (null: unspoilt). */
    static String apply(JsonNode schema, JsonNode instance, SampleDefect defect) {
        if (defect == null || defect == SampleDefect.REFUSAL || defect == SampleDefect.INCOMPLETE) {
            return Json.write(instance);
        }
        if (!(instance instanceof ObjectNode obj)) {
            return Json.write(instance);
        }
        return switch (defect) {
            case MISSING_FIELD -> Json.write(dropRequired(schema, obj));
            case UNKNOWN_ENUM -> Json.write(unknownEnum(schema, schema, obj) ? obj : dropRequired(schema, obj));
            case WRONG_TYPE -> Json.write(wrongType(obj));
            case INVALID_JSON -> invalidJson(Json.write(obj));
            case REFUSAL, INCOMPLETE -> Json.write(obj);
        };
    }

    private static ObjectNode dropRequired(JsonNode schema, ObjectNode obj) {
        JsonNode required = schema.path("required");
        String victim =
                required.isArray() && !required.isEmpty() ? required.get(0).asText() : firstField(obj);
        if (victim != null) {
            obj.remove(victim);
        }
        return obj;
    }

    private static boolean unknownEnum(JsonNode root, JsonNode schema, ObjectNode obj) {
        JsonNode props = resolve(root, schema).path("properties");
        Iterator<Map.Entry<String, JsonNode>> it = props.properties().iterator();
        while (it.hasNext()) {
            var p = it.next();
            JsonNode ps = resolve(root, p.getValue());
            JsonNode value = obj.get(p.getKey());
            if (ps.has("enum")
                    && ps.get("enum").size() > 0
                    && ps.get("enum").get(0).isTextual()) {
                obj.put(p.getKey(), UNLISTED);
                return true;
            }
            if (value instanceof ObjectNode child && unknownEnum(root, ps, child)) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode wrongType(ObjectNode obj) {
        String field = firstField(obj);
        if (field == null) {
            obj.put("unexpected", 1);
            return obj;
        }
        JsonNode v = obj.get(field);
        if (v.isTextual()) {
            obj.put(field, 42);
        } else if (v.isNumber()) {
            obj.put(field, v.asText());
        } else if (v.isBoolean()) {
            obj.put(field, "true");
        } else if (v.isNull()) {
            obj.put(field, 0);
        } else {
            obj.put(field, "not-a-" + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return obj;
    }

    private static String invalidJson(String text) {
        return text.substring(0, text.length() - 1) + ",";
    }

    private static String firstField(ObjectNode obj) {
        Iterator<String> names = obj.fieldNames();
        return names.hasNext() ? names.next() : null;
    }

    private static JsonNode resolve(JsonNode root, JsonNode schema) {
        JsonNode s = schema;
        for (int i = 0; i < 16 && s.has("$ref"); i++) {
            String ref = s.get("$ref").asText();
            s = ref.equals("#") ? root : root.at(ref.substring(1));
        }
        return s;
    }
}
