package dev.keel.core.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelResponse;
import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.KeelException;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.ToolExecutionException;
import dev.keel.core.policy.Deadline;
import dev.keel.wire.json.Json;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a Responses conversation with function tools: send the request with the tool definitions,
 * run each {@code function_call} through the {@link ExactlyOnceToolExecutor}, send the {@code
 * function_call_output}s back, and repeat until the model answers with text or the step limit is
 * reached. Each model call carries the idempotency key {@code idem:…:model-<step>} and each tool
 * call {@code idem:…:s<step>-<tool>-<n>}, both built from the business fields, so retries, replays
 * and a re-run after a crash never repeat a side effect. Each step that calls tools echoes all of its
 * output items (reasoning items included) back in the next step's input, as the API requires. A
 * failing critical tool or model call fails the loop with a {@link ToolLoopException}; a
 * failing non-critical tool sends the model an error output and marks the result {@code partial}; a
 * non-critical tool whose own upstream call an open circuit breaker refused ({@link
 * CircuitOpenException}) is skipped: counted as {@code skipped}, listed in {@link
 * Result#skippedTools()}, the model told so, the result {@code partial} (its key is released, so a
 * later run executes it). A model answer a fallback served while the breaker was open marks the
 * result {@code partial} too. Thread-safe; one loop object serves many runs.
 */
public final class ToolLoop {

    /**
     * A function the model may call: the caller's code, which may throw anything; the loop reports it
     * as a {@link ToolExecutionException} (inside a {@link ToolLoopException} for a critical tool).
     */
    @FunctionalInterface
    public interface ToolFunction {
        String call(JsonNode arguments) throws Exception;
    }

    /**
     * A tool: its name, what it does (for the model; null for none), its JSON Schema parameters
     * (sent with {@code strict: true}, the Responses API's default, so they must be a strict schema),
     * whether the workflow needs it, and its code.
     */
    public record Tool(String name, String description, JsonNode parameters, boolean critical, ToolFunction function) {

        /** A tool described by its parameters schema's {@code description}, if it has one. */
        public Tool(String name, JsonNode parameters, boolean critical, ToolFunction function) {
            this(
                    name,
                    parameters == null ? null : parameters.path("description").textValue(),
                    parameters,
                    critical,
                    function);
        }
    }

    /** Where a workflow's keys come from. */
    public record Workflow(String tenant, String workflow, String bizId) {
        IdempotencyKey key(String step) {
            return IdempotencyKey.of(tenant, workflow, bizId, step);
        }

        String describe() {
            return "workflow " + tenant + ":" + workflow + ":" + bizId;
        }
    }

    /**
     * How a run ended: the final response, its text, the steps taken, whether it is partial (a
     * non-critical tool failed or was skipped, or a fallback answered a model call), and the tool
     * calls skipped because an open circuit breaker refused them ({@code s<step>-<tool>-<n>}).
     */
    public record Result(JsonNode response, String text, int steps, boolean partial, List<String> skippedTools) {

        public Result {
            skippedTools = List.copyOf(skippedTools);
        }
    }

    private static final String ENCRYPTED_REASONING = "reasoning.encrypted_content";

    private final KeelClient client;
    private final ExactlyOnceToolExecutor executor;
    private final MeterRegistry registry;
    private final int maxSteps;

    /** @throws IllegalArgumentException when {@code maxSteps} is below 1 */
    public ToolLoop(KeelClient client, ExactlyOnceToolExecutor executor, MeterRegistry registry, int maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
        }
        this.client = client;
        this.executor = executor;
        this.registry = registry;
        this.maxSteps = maxSteps;
    }

    /**
     * Runs the loop for {@code request} (a Responses body with {@code model} and {@code input}).
     * Every output item of a step that calls tools goes back in the next step's {@code input}, as
     * the API requires (a reasoning model's {@code function_call} needs the reasoning item before
     * it); with {@code store: false} the loop asks for {@code reasoning.encrypted_content} ({@code
     * include}) so those reasoning items can be echoed without server-side state.
     *
     * @throws ToolLoopException when a model call fails, a critical tool fails, or the step limit is
     *     reached: it names the step, the tool, the cause, and the tool calls already recorded (a
     *     re-run replays those instead of running them again)
     * @throws IllegalArgumentException when {@code request} is not a JSON object
     */
    public Result run(Workflow wf, JsonNode request, List<Tool> tools, Duration budget) {
        if (!request.isObject()) {
            throw new IllegalArgumentException("the tool loop's request must be a JSON object, got " + request);
        }
        Map<String, Tool> byName = new LinkedHashMap<>();
        tools.forEach(t -> byName.put(t.name(), t));
        ObjectNode body = request.deepCopy();
        ArrayNode input = inputItems(body);
        body.set("tools", definitions(tools));
        if (!body.path("store").asBoolean(true)) {
            includeEncryptedReasoning(body);
        }
        Deadline deadline = Deadline.after(budget, Ticker.SYSTEM);
        var state = new RunState();
        for (int step = 1; step <= maxSteps; step++) {
            body.set("input", input);
            KeelResponse answer = callModel(wf, step, body, deadline, state);
            state.partial |= answer.partial();
            JsonNode response = answer.json();
            List<JsonNode> calls = functionCalls(response);
            if (calls.isEmpty()) {
                return new Result(response, text(response), step, state.partial, state.skipped);
            }
            response.path("output").forEach(item -> input.add(item.deepCopy()));
            for (int i = 0; i < calls.size(); i++) {
                state.partial |= runTool(wf, step, i, calls.get(i), byName, deadline, input, state);
            }
        }
        throw ToolLoopException.stepLimit(wf.describe(), maxSteps, state.recorded);
    }

    /** What one run has gathered so far: partial, the skipped tool calls, the recorded ones. */
    private static final class RunState {
        boolean partial;
        final List<String> skipped = new ArrayList<>();
        final List<String> recorded = new ArrayList<>();
    }

    private KeelResponse callModel(Workflow wf, int step, ObjectNode body, Deadline deadline, RunState state) {
        var options = CallOptions.defaults()
                .withBudget(remaining(deadline))
                .withIdempotencyKey(wf.key("model-" + step).value());
        try {
            return client.responses().create(body, options);
        } catch (KeelException e) {
            throw ToolLoopException.modelCallFailed(wf.describe(), step, e, state.recorded);
        }
    }

    /** Adds {@code reasoning.encrypted_content} to the request's {@code include}, keeping what it lists. */
    private static void includeEncryptedReasoning(ObjectNode body) {
        ArrayNode include = body.path("include").isArray() ? (ArrayNode) body.get("include") : body.putArray("include");
        for (JsonNode v : include) {
            if (ENCRYPTED_REASONING.equals(v.asText())) {
                return;
            }
        }
        include.add(ENCRYPTED_REASONING);
    }

    /** Runs one tool call and appends its output; true when a non-critical tool failed or was skipped. */
    private boolean runTool(
            Workflow wf,
            int step,
            int index,
            JsonNode call,
            Map<String, Tool> tools,
            Deadline deadline,
            ArrayNode input,
            RunState state) {
        String name = call.path("name").asText();
        Tool tool = tools.get(name);
        if (tool == null) {
            count(name, "unknown");
            addOutput(input, call, "{\"error\":\"no tool named " + name + "\"}");
            return true;
        }
        String stepName = "s" + step + "-" + name + "-" + index;
        try {
            var outcome = executor.execute(
                    wf.key(stepName),
                    deadline,
                    () -> tool.function().call(Json.parse(call.path("arguments").asText("{}"))));
            count(name, outcome instanceof ExactlyOnceToolExecutor.Outcome.Executed ? "executed" : "replayed");
            state.recorded.add(stepName);
            addOutput(input, call, outcome.result());
            return false;
        } catch (KeelException e) {
            if (!tool.critical() && refusedByOpenBreaker(e)) {
                count(name, "skipped");
                state.skipped.add(stepName);
                addOutput(input, call, Json.write(Json.object().put("skipped", "the tool is unavailable right now")));
                return true;
            }
            count(name, "failed");
            if (tool.critical()) {
                throw ToolLoopException.toolFailed(wf.describe(), step, name, e, state.recorded);
            }
            addOutput(input, call, Json.write(Json.object().put("error", toolError(e))));
            return true;
        }
    }

    /** What to tell the model about a failed tool: what the tool's code threw, not keel's wrapping. */
    private static String toolError(KeelException e) {
        Throwable cause = e instanceof ToolExecutionException && e.getCause() != null ? e.getCause() : e;
        return String.valueOf(cause.getMessage());
    }

    /** Whether {@code e}, or an exception it wraps, is an open breaker's refusal. */
    private static boolean refusedByOpenBreaker(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CircuitOpenException) {
                return true;
            }
        }
        return false;
    }

    private void count(String tool, String status) {
        Counter.builder("tool_call")
                .tag("tool", tool)
                .tag("status", status)
                .register(registry)
                .increment();
    }

    private static void addOutput(ArrayNode input, JsonNode call, String output) {
        input.addObject()
                .put("type", "function_call_output")
                .put("call_id", call.path("call_id").asText())
                .put("output", output);
    }

    private static ArrayNode inputItems(ObjectNode body) {
        JsonNode in = body.path("input");
        if (in.isArray()) {
            return (ArrayNode) in.deepCopy();
        }
        ArrayNode items = Json.array();
        items.addObject().put("role", "user").put("content", in.asText(""));
        return items;
    }

    private static ArrayNode definitions(List<Tool> tools) {
        ArrayNode defs = Json.array();
        for (Tool t : tools) {
            ObjectNode def = defs.addObject().put("type", "function").put("name", t.name());
            if (t.description() != null) {
                def.put("description", t.description());
            }
            def.put("strict", true).set("parameters", t.parameters());
        }
        return defs;
    }

    private static List<JsonNode> functionCalls(JsonNode response) {
        return java.util.stream.StreamSupport.stream(response.path("output").spliterator(), false)
                .filter(item -> "function_call".equals(item.path("type").asText()))
                .toList();
    }

    private static String text(JsonNode response) {
        var b = new StringBuilder();
        response.path("output")
                .forEach(item -> item.path("content")
                        .forEach(part -> b.append(part.path("text").asText(""))));
        return b.toString();
    }

    private static Duration remaining(Deadline deadline) {
        Duration left = deadline.remaining();
        return left.isZero() ? Duration.ofMillis(1) : left;
    }
}
