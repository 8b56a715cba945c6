package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Strict-mode schemas with many properties, built in code for the scale tests. */
final class LargeSchemas {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private LargeSchemas() {}

    /**
     * A root object with {@code schema_version} and {@code properties - 1} more required properties
     * {@code p0, p1, ...}, each a string, or with {@code enumValues > 0} an enum of that many values
     * {@code v0..}; {@code properties} counts schema_version.
     */
    static ObjectNode wide(int properties, int enumValues) {
        ObjectNode root = F.objectNode();
        root.put("type", "object");
        ObjectNode props = root.putObject("properties");
        ArrayNode required = root.putArray("required");
        ObjectNode version = props.putObject("schema_version");
        version.put("type", "string");
        version.putArray("enum").add("v1");
        required.add("schema_version");
        for (int i = 0; i < properties - 1; i++) {
            ObjectNode p = props.putObject("p" + i);
            p.put("type", "string");
            if (enumValues > 0) {
                ArrayNode e = p.putArray("enum");
                for (int v = 0; v < enumValues; v++) {
                    e.add("v" + v);
                }
            }
            required.add("p" + i);
        }
        root.put("additionalProperties", false);
        return root;
    }

    /**
     * A root whose property {@code d} refers to {@code #/$defs/d0}; each {@code dK} is an object of
     * {@code fanOut} required properties that all refer to {@code d(K+1)}, and the last is an object
     * of one string. Walking every path re-enters the definitions {@code fanOut^levels} times.
     */
    static ObjectNode sharedRefs(int levels, int fanOut) {
        ObjectNode root = wide(1, 0);
        ((ObjectNode) root.get("properties")).putObject("d").put("$ref", "#/$defs/d0");
        ((ArrayNode) root.get("required")).add("d");
        ObjectNode defs = root.putObject("$defs");
        for (int k = 0; k < levels; k++) {
            ObjectNode d = defs.putObject("d" + k);
            d.put("type", "object");
            d.put("additionalProperties", false);
            ObjectNode props = d.putObject("properties");
            ArrayNode req = d.putArray("required");
            int n = k == levels - 1 ? 1 : fanOut;
            for (int i = 0; i < n; i++) {
                if (k == levels - 1) {
                    props.putObject("leaf").put("type", "string");
                    req.add("leaf");
                } else {
                    props.putObject("f" + i).put("$ref", "#/$defs/d" + (k + 1));
                    req.add("f" + i);
                }
            }
        }
        return root;
    }
}
