package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads and checks request fields, answering bad ones as the API does (400, naming the parameter). */
final class Fields {

    private Fields() {}

    /** The request body as an object. @throws ApiException when it is not a JSON object */
    static JsonNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(
                    "Invalid type for request body: expected an object, but got "
                            + (body == null
                                    ? "nothing"
                                    : body.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                            + " instead.",
                    null,
                    "invalid_type");
        }
        return body;
    }

    /** A required, non-blank string. */
    static String requiredString(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            throw ApiException.missing(name);
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw typeError(name, "a non-empty string", v);
        }
        return v.asText();
    }

    /** An optional integer at least {@code min}; null when absent. */
    static Integer optionalInt(JsonNode body, String name, int min) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw typeError(name, "an integer", v);
        }
        if (!v.canConvertToInt() || v.asLong() < min) {
            throw ApiException.invalid(
                    v.decimalValue().signum() < 0 || v.canConvertToInt()
                            ? "Invalid '" + name + "': integer below minimum value. Expected a value >= " + min
                                    + ", but got " + v.asText() + " instead."
                            : "Invalid '" + name + "': integer above maximum value. Expected a value <= "
                                    + Integer.MAX_VALUE + ", but got " + v.asText() + " instead.",
                    name,
                    v.decimalValue().signum() < 0 || v.canConvertToInt()
                            ? "integer_below_min_value"
                            : "integer_above_max_value");
        }
        return v.asInt();
    }

    /**
     * An optional output-token cap no larger than the model's, refused as the API words it.
     *
     * @throws ApiException 400 {@code invalid_value} naming {@code name} when above {@code modelMax}
     */
    static Integer outputTokens(JsonNode body, String name, int min, String model, int modelMax) {
        Integer v = optionalInt(body, name, min);
        if (v != null && v > modelMax) {
            throw ApiException.invalid(
                    name + " is too large: " + v + ". This model supports at most " + modelMax
                            + " completion tokens, whereas you provided " + v + ".",
                    name,
                    "invalid_value");
        }
        return v;
    }

    /** An optional number within [min, max]. */
    static void optionalNumberIn(JsonNode body, String name, double min, double max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber()) {
            throw typeError(name, "a number", v);
        }
        if (v.asDouble() < min || v.asDouble() > max) {
            throw ApiException.invalid(
                    "Invalid '" + name + "': expected a value between " + min + " and " + max + ", but got "
                            + v.asText() + " instead.",
                    name,
                    "invalid_value");
        }
    }

    static ApiException typeError(String name, String expected, JsonNode got) {
        return ApiException.invalid(
                "Invalid type for '" + name + "': expected " + expected + ", but got "
                        + got.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " instead.",
                name,
                "invalid_type");
    }
}
