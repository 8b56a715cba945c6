package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How many object levels lie at and below a schema node, following {@code $ref} (a recursive ref
 * counts once, as the API counts it). Each definition's height is computed once, so a definition
 * referred to from thousands of properties costs one walk. One per document; not thread-safe.
 */
final class Nesting {

    private final RefCheck refs;
    private final Map<String, Integer> memo = new HashMap<>();
    private final Set<String> onStack = new HashSet<>();

    Nesting(RefCheck refs) {
        this.refs = refs;
    }

    /** Object levels at and below {@code s}: 0 for a scalar, 1 for a flat object. */
    int height(JsonNode s) {
        if (!s.isObject()) {
            return 0;
        }
        JsonNode ref = s.get("$ref");
        if (ref != null) {
            String r = ref.asText();
            Integer known = memo.get(r);
            if (known != null) {
                return known;
            }
            JsonNode t = refs.target(r);
            if (t.isMissingNode() || !onStack.add(r)) {
                return 0; // unresolved (reported elsewhere) or recursion: counted once
            }
            int h = height(t);
            onStack.remove(r);
            memo.put(r, h);
            return h;
        }
        int below = 0;
        for (var p : s.path("properties").properties()) {
            below = Math.max(below, height(p.getValue()));
        }
        if (s.has("items")) {
            below = Math.max(below, height(s.get("items")));
        }
        for (JsonNode b : s.path("anyOf")) {
            below = Math.max(below, height(b));
        }
        return (SchemaLint.isObjectSchema(s) ? 1 : 0) + below;
    }
}
