package dev.keel.structured.decode;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the model answered, taken from a Responses API response: the output text, or a refusal, and
 * whether the response is {@code incomplete}. Immutable.
 *
 * @param text the concatenated {@code output_text} parts (empty when none)
 * @param refusal the refusal text, or null when the model did not refuse
 * @param incompleteReason {@code incomplete_details.reason} when the status is {@code incomplete}, else null
 * @param model the model that answered, or null
 * @param responseId the response id, or null
 */
public record ModelOutput(String text, String refusal, String incompleteReason, String model, String responseId) {

    public ModelOutput {
        text = text == null ? "" : text;
    }

    /** Just the text of a complete answer (for replaying stored outputs). */
    public static ModelOutput ofText(String text) {
        return new ModelOutput(text, null, null, null, null);
    }

    /**
     * Reads a Responses API response body. Message items' {@code output_text} parts are joined; the
     * first {@code refusal} part is the refusal; {@code status: incomplete} gives the incomplete reason.
     */
    public static ModelOutput fromResponse(JsonNode response) {
        var text = new StringBuilder();
        String refusal = null;
        for (JsonNode item : response.path("output")) {
            if (!"message".equals(item.path("type").asText())) {
                continue;
            }
            for (JsonNode part : item.path("content")) {
                switch (part.path("type").asText()) {
                    case "output_text" -> text.append(part.path("text").asText());
                    case "refusal" ->
                        refusal = refusal == null ? part.path("refusal").asText() : refusal;
                    default -> {}
                }
            }
        }
        String incomplete = "incomplete".equals(response.path("status").asText())
                ? response.path("incomplete_details").path("reason").asText("unknown")
                : null;
        return new ModelOutput(
                text.toString(),
                refusal,
                incomplete,
                response.path("model").asText(null),
                response.path("id").asText(null));
    }
}
