package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a request body against its route's request schema from the official spec and answers the
 * first fault as the API does: {@code 400 invalid_request_error} with the parameter's path ({@code
 * text.format.name}, {@code input[0].content}) and a code ({@code unknown_parameter}, {@code
 * missing_required_parameter}, {@code invalid_type}, {@code invalid_value}, {@code
 * integer_below_min_value}, …).
 *
 * <p>The spec's request schemas are assembled from {@code allOf}/{@code anyOf}/{@code oneOf} pieces
 * and seldom say {@code additionalProperties: false}, while the API refuses unknown parameters: so
 * an object whose schema lists properties anywhere in its allOf/anyOf tree is closed to any other
 * key, unless some piece declares {@code additionalProperties} true or a schema; an object schema
 * that lists no properties is free-form ({@code metadata}, a tool's {@code parameters}). A union
 * picks its branches by JSON type and by the {@code type}/{@code role} discriminator; when every
 * candidate fails, the deepest fault is reported. An explicit {@code null} for an optional
 * parameter is accepted, as the API does. Stateless and thread-safe.
 */
final class RequestValidator {

    private static final List<String> DISCRIMINATORS = List.of("type", "role");

    private final RequestSchemas schemas;

    RequestValidator(RequestSchemas schemas) {
        this.schemas = schemas;
    }

    /** @throws ApiException 400 naming the first fault of {@code body} for {@code route} */
    void validate(String route, JsonNode body) {
        Violation v = check(schemas.forRoute(route), body, "", true);
        if (v != null) {
            throw v.toException();
        }
    }

    private Violation check(JsonNode schema, JsonNode v, String path, boolean closed) {
        JsonNode s = schemas.resolve(schema);
        if (v.isNull()) {
            return allowsNull(s) ? null : typeError(path, s, v);
        }
        if (s.has("anyOf") || s.has("oneOf")) {
            Violation u = union(s, v, path, closed);
            if (u != null) {
                return u;
            }
        }
        for (JsonNode part : s.path("allOf")) {
            Violation x = check(part, v, path, false);
            if (x != null) {
                return x;
            }
        }
        if (s.has("type") && !typeMatches(s.get("type"), v)) {
            return typeError(path, s, v);
        }
        Violation x = values(s, v, path);
        if (x == null && v.isArray()) {
            x = array(s, v, path);
        }
        if (x == null && v.isObject()) {
            x = object(s, v, path, closed);
        }
        return x;
    }

    private Violation union(JsonNode s, JsonNode v, String path, boolean closed) {
        List<JsonNode> branches = branches(s);
        List<JsonNode> candidates = branches.stream().filter(b -> accepts(b, v)).toList();
        if (candidates.isEmpty()) {
            return mismatch(s, branches, v, path);
        }
        Violation best = null;
        for (JsonNode c : candidates) {
            Violation x = check(c, v, path, closed);
            if (x == null) {
                return null;
            }
            if (best == null || x.depth() > best.depth()) {
                best = x;
            }
        }
        return best;
    }

    private List<JsonNode> branches(JsonNode s) {
        List<JsonNode> out = new ArrayList<>();
        s.path("anyOf").forEach(out::add);
        s.path("oneOf").forEach(out::add);
        return out;
    }

    /** Whether a branch could describe {@code v}: its JSON type, enum and discriminator allow it. */
    private boolean accepts(JsonNode branch, JsonNode v) {
        JsonNode b = schemas.resolve(branch);
        if (b.has("anyOf") || b.has("oneOf")) {
            return branches(b).stream().anyMatch(x -> accepts(x, v));
        }
        for (JsonNode part : b.path("allOf")) {
            if (!accepts(part, v)) {
                return false;
            }
        }
        if (b.has("type") && !typeMatches(b.get("type"), v) && !(v.isNull() && allowsNull(b))) {
            return false;
        }
        if (b.has("enum") && v.isValueNode() && !contains(b.get("enum"), v)) {
            return false;
        }
        if (b.has("const") && v.isValueNode() && !b.get("const").equals(v)) {
            return false;
        }
        if (v.isObject()) {
            for (String d : DISCRIMINATORS) {
                Set<String> allowed = discriminatorValues(b, d);
                if (v.path(d).isTextual()
                        && !allowed.isEmpty()
                        && !allowed.contains(v.get(d).asText())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The values a schema's discriminator property may take (empty when it does not constrain it). */
    private Set<String> discriminatorValues(JsonNode schema, String name) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode s = schemas.resolve(schema);
        JsonNode p = s.path("properties").path(name);
        if (!p.isMissingNode()) {
            JsonNode r = schemas.resolve(p);
            r.path("enum").forEach(e -> out.add(e.asText()));
            if (r.has("const")) {
                out.add(r.get("const").asText());
            }
        }
        for (JsonNode part : s.path("allOf")) {
            out.addAll(discriminatorValues(part, name));
        }
        return out;
    }

    private Violation mismatch(JsonNode s, List<JsonNode> branches, JsonNode v, String path) {
        if (v.isObject()) {
            for (String d : DISCRIMINATORS) {
                if (!v.path(d).isTextual()) {
                    continue;
                }
                Set<String> allowed = new LinkedHashSet<>();
                branches.forEach(b -> collectDiscriminators(b, d, allowed));
                if (!allowed.isEmpty()) {
                    return Violation.invalidValue(join(path, d), v.get(d), allowed);
                }
            }
        }
        Set<String> allowed = new LinkedHashSet<>();
        if (v.isTextual() && allEnums(s, allowed)) {
            return Violation.invalidValue(path, v, allowed);
        }
        return typeError(path, s, v);
    }

    private void collectDiscriminators(JsonNode branch, String d, Set<String> into) {
        JsonNode b = schemas.resolve(branch);
        if (b.has("anyOf") || b.has("oneOf")) {
            branches(b).forEach(x -> collectDiscriminators(x, d, into));
        }
        into.addAll(discriminatorValues(b, d));
    }

    /** Whether every string branch of {@code s} is an enum; collects their values. */
    private boolean allEnums(JsonNode schema, Set<String> into) {
        JsonNode s = schemas.resolve(schema);
        if (s.has("anyOf") || s.has("oneOf")) {
            boolean all = true;
            for (JsonNode b : branches(s)) {
                JsonNode r = schemas.resolve(b);
                boolean stringish = r.has("anyOf") || r.has("oneOf") || typeMatches(r.path("type"), TEXT);
                if (stringish && !allEnums(r, into)) {
                    all = false;
                }
            }
            return all && !into.isEmpty();
        }
        if (s.has("enum")) {
            s.get("enum").forEach(e -> {
                if (!e.isNull()) {
                    into.add(e.asText());
                }
            });
            return true;
        }
        if (s.has("const")) {
            into.add(s.get("const").asText());
            return true;
        }
        return false;
    }

    private static final JsonNode TEXT = com.fasterxml.jackson.databind.node.TextNode.valueOf("");

    private Violation values(JsonNode s, JsonNode v, String path) {
        if (s.has("enum") && !contains(s.get("enum"), v)) {
            Set<String> allowed = new LinkedHashSet<>();
            s.get("enum").forEach(e -> allowed.add(e.asText()));
            return Violation.invalidValue(path, v, allowed);
        }
        if (s.has("const") && !s.get("const").equals(v)) {
            return Violation.invalidValue(path, v, Set.of(s.get("const").asText()));
        }
        if (v.isNumber()) {
            return bounds(s, v, path);
        }
        if (v.isTextual()) {
            int len = v.asText().length();
            if (s.has("maxLength") && len > s.get("maxLength").asInt()) {
                return Violation.length(
                        path, "string", "long", "maximum", s.get("maxLength").asInt(), len);
            }
            if (s.has("minLength") && len < s.get("minLength").asInt()) {
                return Violation.length(
                        path, "string", "short", "minimum", s.get("minLength").asInt(), len);
            }
        }
        return null;
    }

    private static Violation bounds(JsonNode s, JsonNode v, String path) {
        String kind = v.isIntegralNumber() ? "integer" : "decimal";
        BigDecimal got = v.decimalValue();
        if (s.has("minimum") && got.compareTo(s.get("minimum").decimalValue()) < 0) {
            return Violation.bound(path, kind, "below minimum", ">=", s.get("minimum"), v);
        }
        if (s.has("maximum") && got.compareTo(s.get("maximum").decimalValue()) > 0) {
            return Violation.bound(path, kind, "above maximum", "<=", s.get("maximum"), v);
        }
        if (s.path("exclusiveMinimum").isNumber()
                && got.compareTo(s.get("exclusiveMinimum").decimalValue()) <= 0) {
            return Violation.bound(path, kind, "below minimum", ">", s.get("exclusiveMinimum"), v);
        }
        if (s.path("exclusiveMaximum").isNumber()
                && got.compareTo(s.get("exclusiveMaximum").decimalValue()) >= 0) {
            return Violation.bound(path, kind, "above maximum", "<", s.get("exclusiveMaximum"), v);
        }
        return null;
    }

    private Violation array(JsonNode s, JsonNode v, String path) {
        if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
            return Violation.length(
                    path, "array", "long", "maximum", s.get("maxItems").asInt(), v.size());
        }
        if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
            return Violation.length(
                    path, "array", "short", "minimum", s.get("minItems").asInt(), v.size());
        }
        if (s.has("items")) {
            for (int i = 0; i < v.size(); i++) {
                Violation x = check(s.get("items"), v.get(i), path + "[" + i + "]", true);
                if (x != null) {
                    return x;
                }
            }
        }
        return null;
    }

    private Violation object(JsonNode s, JsonNode v, String path, boolean closed) {
        for (JsonNode r : s.path("required")) {
            JsonNode got = v.get(r.asText());
            if (got == null) {
                return Violation.missing(join(path, r.asText()));
            }
        }
        JsonNode props = s.path("properties");
        JsonNode extra = s.get("additionalProperties");
        for (var it = v.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            JsonNode ps = props.get(e.getKey());
            boolean optionalNull = e.getValue().isNull() && !isRequired(s, e.getKey());
            Violation x = null;
            if (ps != null && !optionalNull) {
                x = check(ps, e.getValue(), join(path, e.getKey()), true);
            } else if (ps == null && extra != null && extra.isObject() && !extra.isEmpty()) {
                x = check(extra, e.getValue(), join(path, e.getKey()), true);
            }
            if (x != null) {
                return x;
            }
        }
        if (closed) {
            Set<String> known = keys(s);
            if (known != null) {
                for (var it = v.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!known.contains(k)) {
                        return Violation.unknown(join(path, k));
                    }
                }
            }
        }
        return null;
    }

    private static boolean isRequired(JsonNode s, String key) {
        for (JsonNode r : s.path("required")) {
            if (r.asText().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** The property names allowed anywhere in the schema's allOf/anyOf/oneOf tree; null when it is open. */
    private Set<String> keys(JsonNode schema) {
        Set<String> out = new LinkedHashSet<>();
        return collectKeys(schema, out, 0) && !out.isEmpty() ? out : null;
    }

    private boolean collectKeys(JsonNode schema, Set<String> out, int depth) {
        JsonNode s = schemas.resolve(schema);
        if (depth > 16) {
            return false;
        }
        JsonNode extra = s.get("additionalProperties");
        if (extra != null && !(extra.isBoolean() && !extra.asBoolean())) {
            return false;
        }
        s.path("properties").fieldNames().forEachRemaining(out::add);
        for (String k : List.of("allOf", "anyOf", "oneOf")) {
            for (JsonNode part : s.path(k)) {
                if (!collectKeys(part, out, depth + 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean allowsNull(JsonNode s) {
        if (s.path("nullable").asBoolean(false)
                || typeMatches(s.path("type"), com.fasterxml.jackson.databind.node.NullNode.getInstance())) {
            return true;
        }
        if (s.has("enum") && contains(s.get("enum"), com.fasterxml.jackson.databind.node.NullNode.getInstance())) {
            return true;
        }
        if (s.has("anyOf") || s.has("oneOf")) {
            return branches(s).stream().anyMatch(b -> allowsNull(schemas.resolve(b)));
        }
        return !s.has("type") && !s.has("allOf") && !s.has("enum") && !s.has("const");
    }

    private static boolean typeMatches(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, v)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "null" -> v.isNull();
            default -> false;
        };
    }

    private static boolean contains(JsonNode values, JsonNode v) {
        for (JsonNode e : values) {
            if (e.equals(v) || (e.isNumber() && v.isNumber() && e.decimalValue().compareTo(v.decimalValue()) == 0)) {
                return true;
            }
        }
        return false;
    }

    private Violation typeError(String path, JsonNode s, JsonNode v) {
        Set<String> expected = new LinkedHashSet<>();
        expectedTypes(s, expected, 0);
        expected.remove("null");
        String want = expected.isEmpty()
                ? "a different type"
                : String.join(" or ", expected.stream().map(Violation::article).toList());
        String where = path.isEmpty() ? "request body" : "'" + path + "'";
        return new Violation(
                "invalid_type",
                path,
                "Invalid type for " + where + ": expected " + want + ", but got " + Violation.article(Violation.kind(v))
                        + " instead.");
    }

    private void expectedTypes(JsonNode schema, Set<String> into, int depth) {
        JsonNode s = schemas.resolve(schema);
        if (depth > 8) {
            return;
        }
        JsonNode type = s.path("type");
        if (type.isArray()) {
            type.forEach(t -> into.add(t.asText()));
        } else if (type.isTextual()) {
            into.add(type.asText());
        }
        for (JsonNode b : branches(s)) {
            expectedTypes(b, into, depth + 1);
        }
        for (JsonNode b : s.path("allOf")) {
            expectedTypes(b, into, depth + 1);
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
