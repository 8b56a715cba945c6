package dev.keel.bench;

import java.util.List;

/**
 * One way of running the {@code storm} benchmark's workflow: model call, tool side effect, model
 * call with the tool's output, final text. Each stack counts its logical and upstream model calls
 * into a {@link StormTally} and runs the side effect through a {@link RefundLedger}.
 * Implementations are thread-safe: the workers share one instance.
 */
interface StormStack extends AutoCloseable {

    /** The model every stack asks. */
    String MODEL = "gpt-4.1-mini";

    /** The API key every stack sends; the emulator accepts any. */
    String API_KEY = "sk-bench";

    /** The tool's name, also named in the prompt so the emulator's model calls it. */
    String TOOL = "issue_refund";

    /** The tool's JSON Schema parameters. */
    String TOOL_PARAMETERS = "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}},"
            + "\"required\":[\"order\"],\"additionalProperties\":false}";

    /** The name in the report, e.g. {@code keel}. */
    String name();

    /**
     * Runs workflow {@code index} once, start to final text, within {@link StormSettings#BUDGET}.
     *
     * @throws Exception when it fails, for whatever reason the stack gives
     */
    void run(int index) throws Exception;

    /** Lines about the stack's own machinery for the report (e.g. breaker moves); may be empty. */
    default List<String> notes() {
        return List.of();
    }

    /** Closes the stack's connections and threads. */
    @Override
    void close();

    /** The user prompt of workflow {@code index}; it names the tool. */
    static String prompt(int index) {
        return "Refund " + RefundLedger.id(index) + " with " + TOOL;
    }
}
