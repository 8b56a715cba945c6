package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * JSON with object keys sorted at every level, and its SHA-256: two schemas that differ only in key
 * order or whitespace have the same hash. Stateless and thread-safe.
 */
public final class CanonicalJson {

    private CanonicalJson() {}

    /** A deep copy of {@code node} with every object's keys in sorted order. */
    public static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = Json.object();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            names.forEach(n -> out.set(n, sorted(node.get(n))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = Json.array();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    /** {@code sha256:<64 hex digits>} of the compact canonical text. */
    public static String sha256(JsonNode node) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Json.write(sorted(node)).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
