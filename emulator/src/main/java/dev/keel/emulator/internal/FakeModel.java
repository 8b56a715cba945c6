package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.keel.emulator.fault.FaultEffect.SampleDefect;
import dev.keel.wire.json.Json;
import dev.keel.wire.tokens.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The emulator's model: deterministic answers from the request alone, so a test can predict them.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>Function tools defined, {@code tool_choice} not {@code none}, and no tool output in the
 *       input: call one tool — the one named by {@code tool_choice}, else the first whose name
 *       appears in the input text, else the first defined — with arguments generated from its
 *       {@code parameters} schema.
 *   <li>Tool outputs in the input: a final text answer that quotes each output.
 *   <li>A JSON schema requested: an instance that validates against it.
 *   <li>Otherwise: {@code Emulated reply to "<start of the last input>": } and 8–31 seeded words.
 * </ol>
 *
 * Everything is seeded by a hash of model, instructions and input. Usage counts the instructions
 * and input text (not per-message overhead) and the output with the model's real tokenizer. A
 * reasoning model (a non-null {@code reasoningEffort}) first spends {@link Reasoning#tokens}
 * reasoning tokens, counted in the output tokens as the API counts them. An output longer than
 * {@code max_output_tokens} (reasoning included) is cut there and marked incomplete; reasoning that
 * uses up the whole cap leaves no text at all. Stateless and thread-safe.
 */
public final class FakeModel {

    static final String REFUSAL_TEXT = "I'm sorry, but I can't assist with that request.";
    private static final String[] WORDS = {
        "the", "keel", "steady", "harbor", "signal", "tide", "north", "ledger", "calm", "bright", "anchor", "route",
        "window", "course", "clear", "measure", "bound", "swift", "careful", "light"
    };

    private FakeModel() {}

    /** A function tool the request defines. */
    public record Tool(String name, JsonNode parameters) {}

    /** A tool result the caller sent back. */
    public record ToolOutput(String callId, String name, String output) {}

    /**
     * What the model is asked. {@code schema} is null for plain text; {@code maxOutputTokens} null
     * for no cap; {@code reasoningEffort} null for a model that does not reason.
     */
    public record Prompt(
            String model,
            String instructions,
            String inputText,
            String lastUserText,
            JsonNode schema,
            List<Tool> tools,
            String toolChoice,
            List<ToolOutput> toolOutputs,
            Integer maxOutputTokens,
            String reasoningEffort) {

        /** A prompt for a model that does not reason. */
        public Prompt(
                String model,
                String instructions,
                String inputText,
                String lastUserText,
                JsonNode schema,
                List<Tool> tools,
                String toolChoice,
                List<ToolOutput> toolOutputs,
                Integer maxOutputTokens) {
            this(
                    model,
                    instructions,
                    inputText,
                    lastUserText,
                    schema,
                    tools,
                    toolChoice,
                    toolOutputs,
                    maxOutputTokens,
                    null);
        }
    }

    /** A tool call the model makes. */
    public record Call(String callId, String name, String arguments) {}

    /**
     * The model's answer. At most one of text, refusal or calls is set (none when reasoning used up
     * {@code max_output_tokens}); {@code outputTokens} includes {@code reasoningTokens}; {@code
     * reasoned} says whether a reasoning model thought first (its output starts with a reasoning item).
     */
    public record Answer(
            String text,
            String refusal,
            List<Call> calls,
            boolean incomplete,
            int inputTokens,
            int outputTokens,
            int reasoningTokens,
            boolean reasoned) {

        public boolean isToolCall() {
            return !calls.isEmpty();
        }
    }

    /** Thrown when a requested defect cannot apply to this prompt (e.g. a missing field without a schema). */
    public static final class DefectNotApplicable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DefectNotApplicable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Answers {@code prompt}, with {@code defect} (nullable) applied.
     *
     * @throws DefectNotApplicable when the defect needs a JSON schema the prompt lacks
     */
    public static Answer answer(Prompt prompt, SampleDefect defect) {
        long seed = seed(prompt);
        int inputTokens = inputTokens(prompt.model(), prompt.instructions(), prompt.inputText());
        boolean reasons = reasons(prompt);
        int reasoning = reasons ? Reasoning.tokens(prompt.reasoningEffort(), seed) : 0;
        int cap = prompt.maxOutputTokens() == null ? Integer.MAX_VALUE : prompt.maxOutputTokens();
        if (reasoning >= cap) {
            return new Answer(null, null, List.of(), true, inputTokens, cap, cap, reasons);
        }
        if (wantsToolCall(prompt) && defect == null) {
            List<Call> calls = List.of(call(prompt, seed));
            int out = calls.stream()
                    .mapToInt(c -> TokenCounter.count(prompt.model(), c.name() + c.arguments()))
                    .sum();
            return new Answer(null, null, calls, false, inputTokens, reasoning + out, reasoning, reasons);
        }
        if (defect == SampleDefect.REFUSAL) {
            return new Answer(
                    null,
                    REFUSAL_TEXT,
                    List.of(),
                    false,
                    inputTokens,
                    reasoning + TokenCounter.count(prompt.model(), REFUSAL_TEXT),
                    reasoning,
                    reasons);
        }
        String text = text(prompt, seed, defect);
        return capped(prompt, text, defect == SampleDefect.INCOMPLETE, inputTokens, reasoning, cap - reasoning);
    }

    /** Whether the model thinks first: a reasoning model at an effort above {@code none}. */
    private static boolean reasons(Prompt p) {
        return p.reasoningEffort() != null && !"none".equals(p.reasoningEffort());
    }

    /** The input tokens usage reports: the instructions and the input text under the model's tokenizer. */
    public static int inputTokens(String model, String instructions, String inputText) {
        return TokenCounter.count(model, instructions) + TokenCounter.count(model, inputText);
    }

    private static boolean wantsToolCall(Prompt p) {
        return !p.tools().isEmpty()
                && !"none".equals(p.toolChoice())
                && p.toolOutputs().isEmpty();
    }

    private static Call call(Prompt p, long seed) {
        Tool tool = p.tools().stream()
                .filter(t -> t.name().equals(p.toolChoice()))
                .findFirst()
                .or(() -> p.tools().stream()
                        .filter(t -> p.inputText().contains(t.name()))
                        .findFirst())
                .orElse(p.tools().get(0));
        JsonNode params = tool.parameters() == null ? Json.object() : tool.parameters();
        String args = Json.write(SchemaInstances.generate(params, seed));
        return new Call("call_" + Long.toHexString(seed ^ tool.name().hashCode()), tool.name(), args);
    }

    private static String text(Prompt p, long seed, SampleDefect defect) {
        if (!p.toolOutputs().isEmpty()) {
            var b = new StringBuilder("Done. Tool results:");
            for (ToolOutput o : p.toolOutputs()) {
                b.append(' ')
                        .append(o.name() == null ? o.callId() : o.name())
                        .append(" -> ")
                        .append(snippet(o.output(), 200))
                        .append(';');
            }
            return b.toString();
        }
        if (p.schema() != null) {
            return SampleDefects.apply(p.schema(), SchemaInstances.generate(p.schema(), seed), defect);
        }
        if (defect != null && defect != SampleDefect.INCOMPLETE) {
            throw new DefectNotApplicable(
                    "bad-sample:" + defect.token() + " needs a request with a json_schema format");
        }
        var rnd = new SplittableRandom(seed);
        var b = new StringBuilder("Emulated reply to \"")
                .append(snippet(p.lastUserText(), 48))
                .append("\":");
        int n = 8 + rnd.nextInt(24);
        for (int i = 0; i < n; i++) {
            b.append(' ').append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return b.append('.').toString();
    }

    /** The text cut to {@code cap} tokens (what reasoning left of {@code max_output_tokens}). */
    private static Answer capped(
            Prompt p, String text, boolean forceIncomplete, int inputTokens, int reasoning, int cap) {
        Encoding enc = TokenCounter.encodingFor(p.model());
        IntArrayList tokens = enc.encodeOrdinary(text);
        boolean reasons = reasons(p);
        if (forceIncomplete) {
            cap = Math.min(cap, Math.max(1, tokens.size() / 2));
        }
        if (tokens.size() <= cap) {
            return new Answer(text, null, List.of(), false, inputTokens, reasoning + tokens.size(), reasoning, reasons);
        }
        IntArrayList kept = new IntArrayList(cap);
        for (int i = 0; i < cap; i++) {
            kept.add(tokens.get(i));
        }
        return new Answer(enc.decode(kept), null, List.of(), true, inputTokens, reasoning + cap, reasoning, reasons);
    }

    static String snippet(String s, int max) {
        String flat = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }

    private static long seed(Prompt p) {
        long h = 0xcbf29ce484222325L;
        for (String part : new String[] {p.model(), p.instructions(), p.inputText(), Json.write(p.schema())}) {
            byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
            for (byte x : bytes) {
                h = (h ^ x) * 0x100000001b3L;
            }
        }
        return h;
    }
}
