package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * One fault {@link RequestValidator} found: the API's error code, the parameter path ({@code ""} for
 * the body) and the message, worded as the API words it. Immutable.
 */
record Violation(String code, String param, String message) {

    /** How deep the parameter is (segments of its path); the deepest fault of a union is reported. */
    int depth() {
        return param.isEmpty() ? 0 : param.split("[.\\[]").length;
    }

    ApiException toException() {
        return ApiException.invalid(message, param.isEmpty() ? null : param, code);
    }

    static Violation unknown(String path) {
        return new Violation("unknown_parameter", path, "Unknown parameter: '" + path + "'.");
    }

    static Violation missing(String path) {
        return new Violation("missing_required_parameter", path, "Missing required parameter: '" + path + "'.");
    }

    static Violation bound(String path, String kind, String which, String op, JsonNode limit, JsonNode v) {
        String code =
                kind + "_" + which.replace(' ', '_').replace("minimum", "min").replace("maximum", "max") + "_value";
        return new Violation(
                code,
                path,
                "Invalid '" + path + "': " + kind + " " + which + " value. Expected a value " + op + " "
                        + limit.asText() + ", but got " + v.asText() + " instead.");
    }

    static Violation length(String path, String what, String how, String bound, int limit, int got) {
        String code = what + ("long".equals(how) ? "_above_max_length" : "_below_min_length");
        return new Violation(
                code,
                path,
                "Invalid '" + path + "': " + what + " too " + how + ". Expected a" + (what.equals("array") ? "n " : " ")
                        + what + " with " + bound + " length " + limit + ", but got a"
                        + (what.equals("array") ? "n " : " ")
                        + what + " with length " + got + " instead.");
    }

    static String kind(JsonNode v) {
        if (v.isIntegralNumber()) {
            return "integer";
        }
        return v.isNumber() ? "number" : v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    static String article(String type) {
        return switch (type) {
            case "null" -> "null";
            case "integer", "object", "array" -> "an " + type;
            default -> "a " + type;
        };
    }

    static Violation invalidValue(String path, JsonNode v, Set<String> allowed) {
        String shown = v.isValueNode() ? v.asText() : v.toString();
        return new Violation(
                "invalid_value",
                path,
                "Invalid value: '" + shown + "'. Supported values are: " + listed(allowed) + ".");
    }

    /** {@code 'a'}, {@code 'a' and 'b'}, {@code 'a', 'b', and 'c'}: the API's way of listing values. */
    static String listed(java.util.Collection<String> values) {
        var quoted = values.stream().map(a -> "'" + a + "'").toList();
        return switch (quoted.size()) {
            case 0 -> "";
            case 1 -> quoted.get(0);
            case 2 -> quoted.get(0) + " and " + quoted.get(1);
            default ->
                String.join(", ", quoted.subList(0, quoted.size() - 1)) + ", and " + quoted.get(quoted.size() - 1);
        };
    }
}
