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
}
