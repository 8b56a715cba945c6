package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.fault.FaultEffect.SampleDefect;
import dev.keel.emulator.internal.FakeModel.Answer;
import dev.keel.emulator.internal.FakeModel.Call;
import dev.keel.emulator.internal.FakeModel.Prompt;
import dev.keel.emulator.internal.FakeModel.ToolOutput;
import dev.keel.wire.json.Json;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/chat/completions}: the same {@link FakeModel} behind the Chat Completions wire
 * format, plain and as {@code chat.completion.chunk} events ending in {@code [DONE]}. Thread-safe.
 */
public final class ChatApi {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private final InstantSource clock;
    private final PromptCache cache;

    public ChatApi(InstantSource clock) {
        this(clock, new PromptCache());
    }

    /** @param cache the prompt cache this API shares with the Responses API */
    ChatApi(InstantSource clock, PromptCache cache) {
        this.clock = clock;
        this.cache = cache;
    }

    /** Creates a completion. @throws ApiException for an invalid request */
    public ObjectNode create(JsonNode body, SampleDefect defect) {
        Fields.object(body);
        String model = Fields.requiredString(body, "model");
        Fields.optionalNumberIn(body, "temperature", 0, 2);
        int modelMax = dev.keel.emulator.Models.maxOutputTokens(model);
        Integer max = Fields.outputTokens(body, "max_completion_tokens", 1, model, modelMax);
        if (max == null) {
            max = Fields.outputTokens(body, "max_tokens", 1, model, modelMax);
        }
        String effort = Reasoning.chatEffort(body, model);
        Messages m = Messages.parse(body.get("messages"));
        var prompt = new Prompt(
                model,
                "",
                m.text,
                m.lastUser,
                schemaOf(body.path("response_format")),
                ResponsesApi.tools(body.get("tools")),
                ResponsesApi.toolChoice(body.get("tool_choice")),
                m.toolOutputs,
                max,
                effort);
        Answer answer = FakeModel.answer(prompt, defect);
        PromptCache.Hit hit = cache.use(model, ResponsesApi.cacheKey(body), prompt.instructions(), prompt.inputText());
        ObjectNode c = completion(model, answer, hit);
        c.put("service_tier", ServiceTiers.served(body));
        return c;
    }

    /**
     * The stream chunks of a finished completion, without the final {@code [DONE]}; with {@code
     * includeUsage}, every chunk has {@code usage: null} and an extra last chunk with empty {@code
     * choices} carries the usage (the spec's {@code stream_options.include_usage}).
     */
    public List<ObjectNode> chunks(ObjectNode completion, boolean includeUsage) {
        var out = new ArrayList<ObjectNode>();
        JsonNode msg = completion.at("/choices/0/message");
        delta(chunk(completion, out)).put("role", "assistant").put("content", "");
        if (msg.has("tool_calls")) {
            ArrayNode calls = delta(chunk(completion, out)).putArray("tool_calls");
            for (JsonNode tc : msg.get("tool_calls")) {
                calls.addObject().put("index", calls.size() - 1).setAll((ObjectNode) tc);
            }
        }
        String field = msg.path("refusal").isTextual() ? "refusal" : "content";
        for (String piece : ResponseEvents.wordChunks(msg.path(field).asText(""))) {
            if (!piece.isEmpty()) {
                delta(chunk(completion, out)).put(field, piece);
            }
        }
        ObjectNode last = chunk(completion, out);
        ((ObjectNode) last.get("choices").get(0)).set("finish_reason", completion.at("/choices/0/finish_reason"));
        if (includeUsage) {
            // As the API: every chunk carries usage, null but for an extra last chunk without choices.
            out.forEach(c -> c.putNull("usage"));
            ObjectNode usage = chunk(completion, out);
            usage.putArray("choices");
            usage.set("usage", completion.get("usage"));
        }
        return out;
    }

    private static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0).get("delta");
    }

    private static ObjectNode chunk(ObjectNode completion, List<ObjectNode> out) {
        ObjectNode c = Json.object();
        c.put("id", completion.get("id").asText());
        c.put("object", "chat.completion.chunk");
        c.put("created", completion.get("created").asLong());
        c.put("model", completion.get("model").asText());
        c.set("service_tier", completion.get("service_tier"));
        c.put("system_fingerprint", "fp_keel_emulator");
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        out.add(c);
        return c;
    }

    private ObjectNode completion(String model, Answer a, PromptCache.Hit hit) {
        ObjectNode c = Json.object();
        c.put("id", Ids.alnum("chatcmpl-"));
        c.put("object", "chat.completion");
        c.put("created", clock.instant().getEpochSecond());
        c.put("model", model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", a.text());
        msg.put("refusal", a.refusal());
        msg.putArray("annotations");
        if (a.isToolCall()) {
            ArrayNode calls = msg.putArray("tool_calls");
            for (Call call : a.calls()) {
                ObjectNode tc = calls.addObject();
                tc.put("id", call.callId());
                tc.put("type", "function");
                tc.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", a.isToolCall() ? "tool_calls" : a.incomplete() ? "length" : "stop");
        ObjectNode u = c.putObject("usage");
        u.put("prompt_tokens", a.inputTokens());
        u.put("completion_tokens", a.outputTokens());
        u.put("total_tokens", a.inputTokens() + a.outputTokens());
        u.putObject("prompt_tokens_details")
                .put("cached_tokens", hit.cached())
                .put("audio_tokens", 0)
                .put("cache_write_tokens", hit.written());
        u.putObject("completion_tokens_details")
                .put("reasoning_tokens", a.reasoningTokens())
                .put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0)
                .put("rejected_prediction_tokens", 0);
        c.put("service_tier", "default");
        c.put("system_fingerprint", "fp_keel_emulator");
        return c;
    }

    private static JsonNode schemaOf(JsonNode format) {
        return switch (format.path("type").asText("text")) {
            case "json_object" -> ResponsesApi.JSON_OBJECT;
            case "json_schema" -> {
                JsonNode js = format.path("json_schema");
                String name = js.path("name").asText("");
                if (name.isEmpty()) {
                    throw ApiException.missing("response_format.json_schema.name");
                }
                JsonNode schema = js.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw ApiException.missing("response_format.json_schema.schema");
                }
                if (js.path("strict").asBoolean(false)) {
                    StrictSchemaCheck.check(name, schema, "response_format.json_schema.schema");
                }
                yield schema;
            }
            case "text" -> null;
            default ->
                throw ApiException.invalid(
                        "Invalid value: '" + format.path("type").asText()
                                + "'. Supported values are: 'text', 'json_object'" + " and 'json_schema'.",
                        "response_format.type",
                        "invalid_value");
        };
    }

    /** The text of a {@code messages} array, and the tool results in it. */
    private static final class Messages {
        String text = "";
        String lastUser = "";
        final List<ToolOutput> toolOutputs = new ArrayList<>();

        static Messages parse(JsonNode messages) {
            if (messages == null || messages.isNull()) {
                throw ApiException.missing("messages");
            }
            if (!messages.isArray() || messages.isEmpty()) {
                throw ApiException.invalid(
                        "Invalid 'messages': expected a non-empty array of messages.", "messages", "invalid_value");
            }
            var m = new Messages();
            var b = new StringBuilder();
            Map<String, String> callNames = new HashMap<>();
            for (int i = 0; i < messages.size(); i++) {
                JsonNode msg = messages.get(i);
                String role = msg.path("role").asText("");
                if (!ROLES.contains(role)) {
                    throw ApiException.invalid(
                            "Invalid value: '" + role + "'. Supported values are: 'system', 'developer', 'user',"
                                    + " 'assistant', and 'tool'.",
                            "messages[" + i + "].role",
                            "invalid_value");
                }
                msg.path("tool_calls")
                        .forEach(tc -> callNames.put(
                                tc.path("id").asText(),
                                tc.path("function").path("name").asText()));
                String text = textOf(msg.get("content"));
                if (role.equals("tool")) {
                    String id = msg.path("tool_call_id").asText();
                    m.toolOutputs.add(new ToolOutput(id, callNames.get(id), text));
                }
                if (role.equals("user")) {
                    m.lastUser = text;
                }
                b.append(text).append('\n');
            }
            m.text = b.toString();
            return m;
        }

        private static String textOf(JsonNode content) {
            if (content == null || content.isNull()) {
                return "";
            }
            if (content.isTextual()) {
                return content.asText();
            }
            var b = new StringBuilder();
            content.forEach(p -> b.append(p.path("text").asText("")));
            return b.toString();
        }
    }
}
