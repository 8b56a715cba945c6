package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.fault.FaultEffect.SampleDefect;
import dev.keel.emulator.internal.FakeModel.Answer;
import dev.keel.emulator.internal.FakeModel.Call;
import dev.keel.emulator.internal.FakeModel.Prompt;
import dev.keel.emulator.internal.FakeModel.Tool;
import dev.keel.emulator.internal.FakeModel.ToolOutput;
import dev.keel.wire.json.Json;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/responses}, {@code GET} and {@code DELETE /v1/responses/{id}}, {@code
 * /input_items} and {@code POST /v1/responses/input_tokens}: validates the request as the API does,
 * asks the {@link FakeModel}, and builds the {@code Response} object or its stream of events; keeps
 * stored responses and their input items. Background runs live in {@link BackgroundResponses}. A
 * reasoning model's output starts with a reasoning item; echoes of issued items are checked by
 * {@link ReasoningItems}, and {@code previous_response_id} continues a stored response through
 * {@link ResponseChains}. Thread-safe.
 */
public final class ResponsesApi {

    private final InstantSource clock;
    private final BoundedStore<ObjectNode> stored;
    /**
     * The input items of each stored response, for {@code GET /v1/responses/{id}/input_items}, keyed
     * {@code items/<id>} so that they count against the budget apart from the response.
     */
    private final BoundedStore<ArrayNode> inputs;

    private final ReasoningItems reasoningItems = new ReasoningItems(100_000);
    private final ResponseChains chains;
    private final PromptCache cache;

    /** @param budget the storage budget stored responses count against (with files and batch results) */
    public ResponsesApi(InstantSource clock, StorageBudget budget) {
        this(clock, budget, new PromptCache());
    }

    /** @param cache the prompt cache this API shares with Chat Completions */
    ResponsesApi(InstantSource clock, StorageBudget budget, PromptCache cache) {
        this.clock = clock;
        this.cache = cache;
        this.stored = new BoundedStore<>(budget, Json::writeBytes, BoundedStore::exactTree);
        this.inputs = new BoundedStore<>(budget, Json::writeBytes, BoundedStore::exactArray);
        this.chains = new ResponseChains(budget);
    }

    /**
     * Creates a response; stores it unless {@code store} is false.
     *
     * @throws ApiException for an invalid request
     * @throws FakeModel.DefectNotApplicable when {@code defect} cannot apply to this request
     */
    public ObjectNode create(JsonNode body, SampleDefect defect) {
        Fields.object(body);
        String model = Fields.requiredString(body, "model");
        Integer maxOutput = Fields.outputTokens(
                body, "max_output_tokens", 16, model, dev.keel.emulator.Models.maxOutputTokens(model));
        Fields.optionalNumberIn(body, "temperature", 0, 2);
        Fields.optionalNumberIn(body, "top_p", 0, 1);
        checkBackground(body);
        JsonNode format = body.path("text").path("format");
        JsonNode schema = schemaOf(format);
        String effort = Reasoning.responsesEffort(body, model);
        boolean store = body.path("store").asBoolean(true);
        ResponseChains.Context context = chains.context(body);
        reasoningItems.check(body.get("input"), context.ids());
        var input = input(body.get("input"), context);
        var prompt = new Prompt(
                model,
                body.path("instructions").asText(""),
                input.text,
                input.lastUser,
                schema,
                tools(body.get("tools")),
                toolChoice(body.get("tool_choice")),
                input.toolOutputs,
                maxOutput,
                effort);
        Answer answer = FakeModel.answer(prompt, defect);
        PromptCache.Hit hit = cache.use(model, cacheKey(body), prompt.instructions(), prompt.inputText());
        ObjectNode reasoningItem =
                answer.reasoned() ? reasoningItems.newItem(Reasoning.wantsEncryptedContent(body)) : null;
        ObjectNode response = response(body, model, answer, hit, format, effort, reasoningItem);
        remember(body, context, response, store);
        return response;
    }

    /** The request's {@code prompt_cache_key}, or null. */
    static String cacheKey(JsonNode body) {
        JsonNode key = body.get("prompt_cache_key");
        return key != null && key.isTextual() ? key.asText() : null;
    }

    /** The request's input, after the items its {@code previous_response_id} brings. */
    private static Input input(JsonNode input, ResponseChains.Context context) {
        return context.items().isEmpty()
                ? Input.parse(input)
                : Input.parse(context.items().deepCopy().addAll(ResponseChains.inputItems(input)));
    }

    /** Remembers the response's reasoning items, and when stored the response and its conversation. */
    private void remember(JsonNode body, ResponseChains.Context context, ObjectNode response, boolean store) {
        reasoningItems.remember(response.get("output"), store);
        if (store) {
            String id = response.get("id").asText();
            stored.put(id, response);
            inputs.put(ITEMS + id, InputItems.of(body.get("input")));
            chains.remember(id, context, ResponseChains.inputItems(body.get("input")), response.get("output"));
        }
    }

    /** {@code background} is a boolean, and {@code true} only with {@code store} (the API keeps background responses). */
    private static void checkBackground(JsonNode body) {
        JsonNode background = body.get("background");
        if (background == null || background.isNull()) {
            return;
        }
        if (!background.isBoolean()) {
            throw Fields.typeError("background", "a boolean", background);
        }
        if (background.asBoolean() && !body.path("store").asBoolean(true)) {
            throw ApiException.invalid(
                    "Background mode requires 'store' to be true: a background response is stored so that it can be"
                            + " polled. Remove 'store: false' or 'background: true'.",
                    "background",
                    "invalid_value");
        }
    }

    /**
     * {@code POST /v1/responses/input_tokens}: the input tokens a create with this body would report
     * in {@code usage.input_tokens}.
     *
     * @throws ApiException 400 for an invalid body
     */
    public ObjectNode inputTokens(JsonNode body) {
        Fields.object(body);
        JsonNode model = body.get("model");
        if (model != null && !model.isNull() && !model.isTextual()) {
            throw Fields.typeError("model", "a string", model);
        }
        JsonNode instructions = body.get("instructions");
        if (instructions != null && !instructions.isNull() && !instructions.isTextual()) {
            throw Fields.typeError("instructions", "a string", instructions);
        }
        var input = Input.parse(body.get("input"));
        int tokens = FakeModel.inputTokens(
                model == null ? null : model.asText(null),
                body.path("instructions").asText(""),
                input.text);
        return Json.object().put("object", "response.input_tokens").put("input_tokens", tokens);
    }

    /**
     * A page of a stored response's input items ({@code order} {@code desc} by default).
     *
     * @throws ApiException 404 when there is no stored response with that id, 400 for bad paging
     */
    public ObjectNode inputItems(String id, Integer limit, String order, String after, List<String> include) {
        ArrayNode items = inputs.get(ITEMS + id);
        if (items == null) {
            throw notFound(id);
        }
        return InputItems.page(items, limit, order, after, include);
    }

    /** Whether a response with this id is stored. */
    public boolean isStored(String id) {
        return stored.get(id) != null;
    }

    /**
     * {@code DELETE /v1/responses/{id}}: forgets the response and its input items.
     *
     * @throws ApiException 404 when there is none with that id
     */
    public ObjectNode delete(String id) {
        boolean gone = stored.remove(id);
        inputs.remove(ITEMS + id);
        if (!gone) {
            throw notFound(id);
        }
        return Json.object().put("id", id).put("object", "response").put("deleted", true);
    }

    private static final String ITEMS = "items/";

    static ApiException notFound(String id) {
        return ApiException.notFound("Response with id '" + id + "' not found.", "response_id");
    }

    /** A stored response. @throws ApiException 404 when there is none with that id */
    public ObjectNode retrieve(String id) {
        ObjectNode r = stored.get(id);
        if (r == null) {
            throw notFound(id);
        }
        return r;
    }

    /** The SSE events of a finished response, in order, with {@code sequence_number}s from 0. */
    public List<ObjectNode> events(ObjectNode response) {
        return new ResponseEvents(response).all();
    }

    private static JsonNode schemaOf(JsonNode format) {
        String type = format.path("type").asText("text");
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                return JSON_OBJECT;
            }
            case "json_schema" -> {
                String name = format.path("name").asText("");
                if (!name.matches("[a-zA-Z0-9_-]{1,64}")) {
                    throw name.isEmpty()
                            ? ApiException.missing("text.format.name")
                            : ApiException.invalid(
                                    "Invalid 'text.format.name': must match ^[a-zA-Z0-9_-]{1,64}$.",
                                    "text.format.name",
                                    "invalid_value");
                }
                JsonNode schema = format.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw ApiException.missing("text.format.schema");
                }
                if (format.path("strict").asBoolean(false)) {
                    StrictSchemaCheck.check(name, schema, "text.format.schema");
                }
                return schema;
            }
            default ->
                throw ApiException.invalid(
                        "Invalid value: '" + type + "'. Supported values are: 'text', 'json_object' and 'json_schema'.",
                        "text.format.type",
                        "invalid_value");
        }
    }

    static final JsonNode JSON_OBJECT = Json.parse(
            "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}},\"required\":[\"message\"],"
                    + "\"additionalProperties\":false}");

    static List<Tool> tools(JsonNode tools) {
        var out = new ArrayList<Tool>();
        if (tools == null || tools.isNull()) {
            return out;
        }
        if (!tools.isArray()) {
            throw Fields.typeError("tools", "an array", tools);
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            boolean chat = t.has("function"); // chat nests the definition
            JsonNode fn = chat ? t.get("function") : t;
            if (!"function".equals(t.path("type").asText())) {
                continue;
            }
            String where = "tools[" + i + "]" + (chat ? ".function" : "");
            if (!fn.path("name").isTextual()) {
                throw ApiException.missing(where + ".name");
            }
            JsonNode parameters = fn.get("parameters");
            if (isStrict(fn, chat) && parameters != null && parameters.isObject()) {
                StrictSchemaCheck.checkFunction(fn.get("name").asText(), parameters, where + ".parameters");
            }
            out.add(new Tool(fn.get("name").asText(), parameters));
        }
        return out;
    }

    /**
     * Whether the API holds a function tool to a strict schema: in Chat Completions only with {@code
     * strict: true}; in the Responses API also when {@code strict} is null (its default is true; the
     * spec makes the key itself required, which request validation enforces).
     */
    private static boolean isStrict(JsonNode fn, boolean chat) {
        JsonNode strict = fn.get("strict");
        if (chat) {
            return strict != null && strict.asBoolean(false);
        }
        return strict != null && (strict.isNull() || strict.asBoolean(false));
    }

    static String toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return "auto";
        }
        if (choice.isTextual()) {
            return choice.asText();
        }
        JsonNode name = choice.has("function") ? choice.get("function").get("name") : choice.get("name");
        return name == null ? "auto" : name.asText();
    }

    private ObjectNode response(
            JsonNode req,
            String model,
            Answer answer,
            PromptCache.Hit hit,
            JsonNode format,
            String effort,
            ObjectNode reasoningItem) {
        long now = clock.instant().getEpochSecond();
        ObjectNode r = Json.object();
        r.put("id", Ids.hex("resp_"));
        r.put("object", "response");
        r.put("created_at", now);
        r.put("background", req.path("background").asBoolean(false));
        r.put("status", answer.incomplete() ? "incomplete" : "completed");
        if (!answer.incomplete()) {
            r.put("completed_at", now);
        }
        r.putNull("error");
        if (answer.incomplete()) {
            r.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            r.putNull("incomplete_details");
        }
        r.set(
                "instructions",
                req.has("instructions")
                        ? req.get("instructions")
                        : Json.mapper().nullNode());
        r.set("max_output_tokens", req.path("max_output_tokens").isNumber() ? req.get("max_output_tokens") : null);
        r.put("model", model);
        r.set("output", output(answer, reasoningItem));
        r.put("parallel_tool_calls", req.path("parallel_tool_calls").asBoolean(true));
        r.set("previous_response_id", req.hasNonNull("previous_response_id") ? req.get("previous_response_id") : null);
        ObjectNode reasoning = r.putObject("reasoning");
        reasoning.put("effort", effort);
        JsonNode summary = req.path("reasoning").path("summary");
        reasoning.set("summary", effort != null && summary.isTextual() ? summary : null);
        r.put("service_tier", ServiceTiers.served(req));
        r.put("store", req.path("store").asBoolean(true));
        r.put("temperature", req.path("temperature").asDouble(1.0));
        ObjectNode text = r.putObject("text");
        text.set("format", format.isMissingNode() ? Json.object().put("type", "text") : format);
        text.put("verbosity", "medium");
        r.set(
                "tool_choice",
                req.has("tool_choice")
                        ? req.get("tool_choice")
                        : Json.mapper().getNodeFactory().textNode("auto"));
        r.set("tools", req.has("tools") ? req.get("tools") : Json.array());
        r.put("top_p", req.path("top_p").asDouble(1.0));
        r.put("truncation", req.path("truncation").asText("disabled"));
        if (req.hasNonNull("prompt_cache_key")) {
            r.set("prompt_cache_key", req.get("prompt_cache_key"));
        }
        r.set("usage", usage(answer, hit));
        if (req.hasNonNull("user")) {
            r.set("user", req.get("user"));
        }
        r.set("metadata", req.path("metadata").isObject() ? req.get("metadata") : Json.object());
        return r;
    }

    private static ArrayNode output(Answer answer, ObjectNode reasoningItem) {
        ArrayNode out = Json.array();
        if (reasoningItem != null) {
            out.add(reasoningItem);
        }
        for (Call c : answer.calls()) {
            ObjectNode fc = out.addObject();
            fc.put("id", Ids.hex("fc_"));
            fc.put("type", "function_call");
            fc.put("status", "completed");
            fc.put("arguments", c.arguments());
            fc.put("call_id", c.callId());
            fc.put("name", c.name());
        }
        if (answer.isToolCall() || (answer.text() == null && answer.refusal() == null)) {
            return out;
        }
        ObjectNode msg = out.addObject();
        msg.put("id", Ids.hex("msg_"));
        msg.put("type", "message");
        msg.put("status", answer.incomplete() ? "incomplete" : "completed");
        msg.put("role", "assistant");
        ObjectNode part = msg.putArray("content").addObject();
        if (answer.refusal() != null) {
            part.put("type", "refusal");
            part.put("refusal", answer.refusal());
        } else {
            part.put("type", "output_text");
            part.putArray("annotations");
            part.putArray("logprobs");
            part.put("text", answer.text());
        }
        return out;
    }

    private static ObjectNode usage(Answer a, PromptCache.Hit hit) {
        ObjectNode u = Json.object();
        u.put("input_tokens", a.inputTokens());
        u.putObject("input_tokens_details").put("cached_tokens", hit.cached()).put("cache_write_tokens", hit.written());
        u.put("output_tokens", a.outputTokens());
        u.putObject("output_tokens_details").put("reasoning_tokens", a.reasoningTokens());
        u.put("total_tokens", a.inputTokens() + a.outputTokens());
        return u;
    }

    /** The text a request's {@code input} carries, and the tool results in it. */
    private static final class Input {
        String text = "";
        String lastUser = "";
        final List<ToolOutput> toolOutputs = new ArrayList<>();

        static Input parse(JsonNode input) {
            var in = new Input();
            if (input == null || input.isNull()) {
                return in;
            }
            if (input.isTextual()) {
                in.text = input.asText();
                in.lastUser = in.text;
                return in;
            }
            if (!input.isArray()) {
                throw Fields.typeError("input", "a string or an array of input items", input);
            }
            var b = new StringBuilder();
            Map<String, String> callNames = new HashMap<>();
            for (JsonNode item : input) {
                String type = item.path("type").asText("message");
                switch (type) {
                    case "function_call" ->
                        callNames.put(
                                item.path("call_id").asText(), item.path("name").asText());
                    case "function_call_output" -> {
                        String callId = item.path("call_id").asText();
                        String output = item.path("output").isTextual()
                                ? item.get("output").asText()
                                : Json.write(item.path("output"));
                        in.toolOutputs.add(new ToolOutput(callId, callNames.get(callId), output));
                        b.append(output).append('\n');
                    }
                    case "message" -> {
                        String t = messageText(item.get("content"));
                        b.append(t).append('\n');
                        if ("user".equals(item.path("role").asText())) {
                            in.lastUser = t;
                        }
                    }
                    default -> {}
                }
            }
            in.text = b.toString();
            return in;
        }

        static String messageText(JsonNode content) {
            if (content == null || content.isNull()) {
                return "";
            }
            if (content.isTextual()) {
                return content.asText();
            }
            var b = new StringBuilder();
            content.forEach(part -> {
                if (part.has("text")) {
                    b.append(part.get("text").asText());
                }
            });
            return b.toString();
        }
    }
}
