package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reasoning models, as the API treats them: which models reason (the {@code gpt-5*} family but its
 * non-reasoning {@code gpt-5-chat*} models, and the {@code o*} family: {@code o1}, {@code o3},
 * {@code o4-mini}, …, also as the base of an {@code ft:} id), which {@code reasoning.effort} values
 * a model takes, and how many reasoning tokens an answer spends at that effort. Stateless.
 */
final class Reasoning {

    /** The spec's {@code ReasoningEffort} values, in its order. */
    static final List<String> EFFORTS = List.of("none", "minimal", "low", "medium", "high", "xhigh", "max");

    private static final String DEFAULT_EFFORT = "medium";
    private static final Pattern O_SERIES = Pattern.compile("o\\d.*");
    /** The first gpt-5 models (gpt-5, -mini, -nano, dated or not) and the o-series take fewer values than later ones. */
    private static final Pattern FIRST_GPT5 = Pattern.compile("gpt-5(-mini|-nano)?(-\\d{4}-\\d{2}-\\d{2})?");

    private static final Map<String, Integer> BASE_TOKENS =
            Map.of("none", 0, "minimal", 16, "low", 64, "medium", 192, "high", 512, "xhigh", 1024, "max", 2048);

    private Reasoning() {}

    /** Whether {@code model} (or the base of an {@code ft:} id) is a reasoning model. */
    static boolean isReasoningModel(String model) {
        String base = baseModel(model);
        return (base.startsWith("gpt-5") && !base.startsWith("gpt-5-chat"))
                || O_SERIES.matcher(base).matches();
    }

    private static String baseModel(String model) {
        if (model.startsWith("ft:")) {
            int end = model.indexOf(':', 3);
            return end < 0 ? model.substring(3) : model.substring(3, end);
        }
        return model;
    }

    /**
     * The effort a Responses request asks for ({@code reasoning.effort}), or the default {@code
     * medium}; null for a model that does not reason (and then asks for none).
     *
     * @throws ApiException 400 {@code unsupported_parameter} for {@code reasoning.effort} on a
     *     non-reasoning model, {@code invalid_value} for a value outside the spec's list, {@code
     *     unsupported_value} for one this model does not take
     */
    static String responsesEffort(JsonNode body, String model) {
        JsonNode reasoning = body.get("reasoning");
        if (reasoning != null && !reasoning.isNull() && !reasoning.isObject()) {
            throw Fields.typeError("reasoning", "an object", reasoning);
        }
        JsonNode effort = reasoning == null ? null : reasoning.get("effort");
        return effort(effort, model, "reasoning.effort");
    }

    /** As {@link #responsesEffort}, for Chat Completions' top-level {@code reasoning_effort}. */
    static String chatEffort(JsonNode body, String model) {
        return effort(body.get("reasoning_effort"), model, "reasoning_effort");
    }

    private static String effort(JsonNode effort, String model, String param) {
        boolean given = effort != null && !effort.isNull();
        if (!isReasoningModel(model)) {
            if (given) {
                throw ApiException.invalid(
                        "Unsupported parameter: '" + param + "' is not supported with this model.",
                        param,
                        "unsupported_parameter");
            }
            return null;
        }
        if (!given) {
            return DEFAULT_EFFORT;
        }
        if (!effort.isTextual() || !EFFORTS.contains(effort.asText())) {
            throw ApiException.invalid(
                    "Invalid value: '" + effort.asText() + "'. Supported values are: " + listed(EFFORTS) + ".",
                    param,
                    "invalid_value");
        }
        List<String> supported = supported(baseModel(model));
        if (!supported.contains(effort.asText())) {
            throw ApiException.invalid(
                    "Unsupported value: '" + param + "' does not support '" + effort.asText()
                            + "' with this model. Supported values are: " + listed(supported) + ".",
                    param,
                    "unsupported_value");
        }
        return effort.asText();
    }

    private static List<String> supported(String base) {
        if (O_SERIES.matcher(base).matches()) {
            return List.of("low", "medium", "high");
        }
        if (FIRST_GPT5.matcher(base).matches()) {
            return List.of("minimal", "low", "medium", "high");
        }
        return EFFORTS;
    }

    /** Whether the request's {@code include} asks for {@code reasoning.encrypted_content}. */
    static boolean wantsEncryptedContent(JsonNode body) {
        for (JsonNode v : body.path("include")) {
            if ("reasoning.encrypted_content".equals(v.asText())) {
                return true;
            }
        }
        return false;
    }

    /** Reasoning tokens an answer spends at {@code effort}: a base per effort plus a seeded share of half of it. */
    static int tokens(String effort, long seed) {
        int base = BASE_TOKENS.get(effort);
        return base == 0 ? 0 : base + (int) Math.floorMod(seed, base / 2 + 1);
    }

    private static String listed(List<String> values) {
        var b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(i == values.size() - 1 ? ", and " : ", ");
            }
            b.append('\'').append(values.get(i)).append('\'');
        }
        return b.toString();
    }
}
