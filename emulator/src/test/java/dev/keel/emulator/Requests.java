package dev.keel.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;

/** Request bodies the emulator tests share. */
final class Requests {

    static final String PLAIN = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}";

    static final String TICKET_SCHEMA = "{\"type\":\"object\",\"additionalProperties\":false,"
            + "\"required\":[\"title\",\"priority\",\"tags\",\"assignee\"],\"properties\":{"
            + "\"title\":{\"type\":\"string\"},"
            + "\"priority\":{\"type\":\"string\",\"enum\":[\"low\",\"medium\",\"high\"]},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
            + "\"assignee\":{\"type\":[\"string\",\"null\"]}}}";

    static final String STRUCTURED_TICKET = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Printer on fire\","
            + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"ticket\",\"strict\":true,\"schema\":"
            + TICKET_SCHEMA + "}}}";

    static final String WEATHER_TOOL = "{\"model\":\"gpt-4.1-mini\",\"input\":\"What is the weather in Oslo?\","
            + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"strict\":true,\"parameters\":{"
            + "\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"city\"],"
            + "\"properties\":{\"city\":{\"type\":\"string\"}}}}]}";

    static final String CHAT =
            "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},"
                    + "{\"role\":\"user\",\"content\":\"Say hello\"}]}";

    static final String CHAT_TOOL =
            "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{"
                    + "\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]}";

    private Requests() {}

    static String streaming(String body) {
        return body.substring(0, body.length() - 1) + ",\"stream\":true}";
    }

    /** The follow-up request that returns {@code call}'s function call with an output. */
    static JsonNode toolOutput(JsonNode call) {
        JsonNode fc = call.at("/output/0");
        ObjectNode req = (ObjectNode) Json.parse(WEATHER_TOOL);
        ArrayNode input = req.putArray("input");
        input.addObject().put("role", "user").put("content", "What is the weather in Oslo?");
        input.add(fc);
        input.addObject()
                .put("type", "function_call_output")
                .put("call_id", fc.get("call_id").asText())
                .put("output", "{\"temperature_c\":4}");
        return req;
    }

    /** A valid batch input file of {@code n} Responses requests, custom ids {@code req-0..n-1}. */
    static byte[] batchFile(int n) {
        var b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"custom_id\":\"req-")
                    .append(i)
                    .append("\",\"method\":\"POST\",\"url\":\"/v1/responses\",")
                    .append("\"body\":{\"model\":\"gpt-4.1-mini\",\"input\":\"Question ")
                    .append(i)
                    .append("\"}}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String batch(String fileId) {
        return "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/responses\",\"completion_window\":\"24h\","
                + "\"metadata\":{\"run\":\"test\"}}";
    }
}
