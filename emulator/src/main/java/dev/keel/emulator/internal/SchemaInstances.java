package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates a JSON instance that satisfies a JSON Schema of OpenAI's structured-output subset:
 * objects (properties in schema order), arrays ({@code minItems}/{@code maxItems}), strings ({@code
 * minLength}/{@code maxLength}, the supported {@code format}s), numbers and integers (bounds and
 * {@code multipleOf}), booleans, null, {@code enum}, {@code const}, {@code anyOf}/{@code oneOf}, type
 * unions, and {@code $ref} into {@code $defs}/{@code definitions} or {@code #} (recursion ends at a
 * depth limit by taking a null branch or an empty array). {@code pattern} is not honoured.
 *
 * <p>Deterministic: the same schema and seed give the same instance. Not thread-safe; make one per
 * generation.
 */
public final class SchemaInstances {

    private static final int MAX_DEPTH = 8;
    private static final int HARD_STOP = 40;
    /** Most JSON values one instance holds, whatever its {@code minItems} ask (bounds what a request can allocate). */
    static final int MAX_VALUES = 10_000;
    /** Most characters the strings of one instance hold together, whatever their {@code minLength} ask. */
    static final int MAX_CHARS = 200_000;

    private static final String[] WORDS = {
        "alpha", "bravo", "harbor", "keel", "signal", "orbit", "ledger", "delta", "summit", "vector", "amber", "cobalt"
    };

    private final JsonNode root;
    private final SplittableRandom random;
    private int budget = MAX_VALUES;
    private int chars = MAX_CHARS;

    private SchemaInstances(JsonNode root, long seed) {
        this.root = root;
        this.random = new SplittableRandom(seed);
    }

    /** An instance of {@code schema}, determined by {@code seed}. */
    public static JsonNode generate(JsonNode schema, long seed) {
        return new SchemaInstances(schema, seed).value(schema, 0);
    }

    private JsonNode value(JsonNode schema, int depth) {
        JsonNode s = resolve(schema);
        budget--;
        if (depth > HARD_STOP || budget < 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (s == null || s.isBoolean() || s.isEmpty()) {
            return JsonNodeFactory.instance.textNode(word());
        }
        if (s.has("const")) {
            return s.get("const");
        }
        if (s.has("enum") && s.get("enum").size() > 0) {
            return s.get("enum").get(random.nextInt(s.get("enum").size()));
        }
        JsonNode branches = s.has("anyOf") ? s.get("anyOf") : s.get("oneOf");
        if (branches != null && branches.isArray() && branches.size() > 0) {
            return value(pickBranch(branches, depth), depth);
        }
        return byType(s, chooseType(s, depth), depth);
    }

    private JsonNode pickBranch(JsonNode branches, int depth) {
        if (depth >= MAX_DEPTH) {
            for (JsonNode b : branches) {
                if ("null".equals(resolve(b).path("type").asText())) {
                    return b;
                }
            }
        }
        return branches.get(random.nextInt(branches.size()));
    }

    private String chooseType(JsonNode s, int depth) {
        JsonNode type = s.get("type");
        if (type == null) {
            return s.has("properties") ? "object" : s.has("items") ? "array" : "string";
        }
        if (!type.isArray()) {
            return type.asText();
        }
        List<String> types = new ArrayList<>();
        type.forEach(t -> types.add(t.asText()));
        boolean nullable = types.remove("null");
        if (types.isEmpty() || (nullable && (depth >= MAX_DEPTH || random.nextInt(5) == 0))) {
            return "null";
        }
        return types.get(random.nextInt(types.size()));
    }

    private JsonNode byType(JsonNode s, String type, int depth) {
        var f = JsonNodeFactory.instance;
        return switch (type) {
            case "object" -> object(s, depth);
            case "array" -> array(s, depth);
            case "integer" -> f.numberNode(integer(s));
            case "number" -> f.numberNode(number(s));
            case "boolean" -> f.booleanNode(random.nextBoolean());
            case "null" -> f.nullNode();
            default -> f.textNode(string(s));
        };
    }

    private ObjectNode object(JsonNode s, int depth) {
        ObjectNode out = Json.object();
        s.path("properties").properties().forEach(p -> out.set(p.getKey(), value(p.getValue(), depth + 1)));
        return out;
    }

    private ArrayNode array(JsonNode s, int depth) {
        ArrayNode out = Json.array();
        int min = s.path("minItems").asInt(0);
        int max = s.has("maxItems") ? s.get("maxItems").asInt() : Math.max(min, 1) + 1;
        int n = depth >= MAX_DEPTH ? min : Math.min(max, Math.max(min, 1) + random.nextInt(2));
        for (int i = 0; i < n && budget > 0; i++) {
            out.add(value(s.path("items"), depth + 1));
        }
        return out;
    }

    private long integer(JsonNode s) {
        long lo = s.has("minimum") ? s.get("minimum").asLong() : 0;
        if (s.has("exclusiveMinimum")) {
            lo = Math.max(lo, s.get("exclusiveMinimum").asLong() + 1);
        }
        long hi = s.has("maximum") ? s.get("maximum").asLong() : lo + 100;
        if (s.has("exclusiveMaximum")) {
            hi = Math.min(hi, s.get("exclusiveMaximum").asLong() - 1);
        }
        long v = hi <= lo ? lo : lo + random.nextLong(hi - lo + 1);
        if (s.has("multipleOf") && s.get("multipleOf").asLong() > 0) {
            long m = s.get("multipleOf").asLong();
            v = Math.floorDiv(v, m) * m;
            if (v < lo) {
                v += m;
            }
        }
        return v;
    }

    private BigDecimal number(JsonNode s) {
        if (s.has("multipleOf")) {
            return BigDecimal.valueOf(integer(s));
        }
        double lo = s.has("minimum") ? s.get("minimum").asDouble() : 0;
        double hi = s.has("maximum") ? s.get("maximum").asDouble() : lo + 100;
        if (s.has("exclusiveMinimum") || s.has("exclusiveMaximum")) {
            lo = s.has("exclusiveMinimum") ? s.get("exclusiveMinimum").asDouble() : lo;
            hi = s.has("exclusiveMaximum") ? s.get("exclusiveMaximum").asDouble() : hi;
            return BigDecimal.valueOf((lo + hi) / 2);
        }
        double v = hi <= lo ? lo : lo + random.nextDouble() * (hi - lo);
        return BigDecimal.valueOf(Math.round(v * 100) / 100.0)
                .max(BigDecimal.valueOf(lo))
                .min(BigDecimal.valueOf(hi));
    }

    private String string(JsonNode s) {
        String formatted = formatted(s.path("format").asText(""));
        String v = formatted != null ? formatted : word() + " " + word();
        int min = Math.max(0, Math.min(s.path("minLength").asInt(0), chars));
        int max = s.has("maxLength") ? s.get("maxLength").asInt() : Integer.MAX_VALUE;
        StringBuilder b = new StringBuilder(v);
        while (b.length() < min) {
            b.append(' ').append(word());
        }
        String out = b.length() > max ? b.substring(0, Math.max(0, max)) : b.toString();
        chars -= out.length();
        return out;
    }

    private String formatted(String format) {
        int n = random.nextInt(1, 28);
        return switch (format) {
            case "date-time" -> "2026-01-%02dT10:15:30Z".formatted(n);
            case "date" -> "2026-01-%02d".formatted(n);
            case "time" -> "10:%02d:30Z".formatted(n);
            case "duration" -> "PT%dM".formatted(n);
            case "email" -> word() + n + "@example.com";
            case "hostname" -> word() + ".example.com";
            case "ipv4" -> "192.0.2." + n;
            case "ipv6" -> "2001:db8::" + Integer.toHexString(n);
            case "uuid" -> new java.util.UUID(random.nextLong(), random.nextLong()).toString();
            default -> null;
        };
    }

    private String word() {
        return WORDS[random.nextInt(WORDS.length)];
    }

    /** Follows {@code $ref} into the root document ({@code #}, {@code #/$defs/x}, any JSON pointer). */
    private JsonNode resolve(JsonNode schema) {
        JsonNode s = schema;
        for (int hops = 0; s != null && s.has("$ref") && hops < 32; hops++) {
            String ref = s.get("$ref").asText();
            if (!ref.startsWith("#")) {
                return null;
            }
            s = ref.equals("#") ? root : root.at(ref.substring(1));
            if (s.isMissingNode()) {
                return null;
            }
        }
        return s;
    }
}
