package dev.keel.bench;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.MemoryIdempotencyStore;
import dev.keel.core.policy.Deadline;
import dev.keel.core.time.Sleeper;
import dev.keel.openai.KeelCall;
import dev.keel.openai.KeelOpenAI;
import dev.keel.wire.time.Ticker;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The official OpenAI Java SDK on keel: the workflow written by hand with the SDK's typed builders,
 * as {@link SdkStormStack} writes it, but on {@code KeelOpenAI.client(keel)} — keel's client with
 * its defaults as in {@link KeelStormStack} (its retry layer the only one, the SDK's retries off) —
 * with each model call given the workflow's remaining budget ({@code X-Keel-Budget}), and the tool
 * run through keel's {@link ExactlyOnceToolExecutor} under the workflow's key, so a re-run replays
 * the stored result. Counts come from the keel client's events, as for {@link KeelStormStack}.
 * Thread-safe.
 */
final class SdkOnKeelStormStack implements StormStack {

    private static final Duration IDEMPOTENCY_TTL = Duration.ofMinutes(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private final KeelClient keel;
    private final OpenAIClient client;
    private final ExactlyOnceToolExecutor executor;
    private final KeelStormStack.Recorder recorder;
    private final RefundLedger ledger;
    private final FunctionTool tool = tool();

    private SdkOnKeelStormStack(
            KeelClient keel, ExactlyOnceToolExecutor executor, KeelStormStack.Recorder recorder, RefundLedger ledger) {
        this.keel = keel;
        this.client = KeelOpenAI.client(keel);
        this.executor = executor;
        this.recorder = recorder;
        this.ledger = ledger;
    }

    /** Builds keel's client with its defaults for the emulator at {@code baseUrl}, jitter seeded, and the SDK on it. */
    static SdkOnKeelStormStack open(URI baseUrl, StormTally tally, RefundLedger ledger, long seed) {
        var recorder = new KeelStormStack.Recorder(tally);
        var keel = KeelClient.builder(KeelClientConfig.builder(API_KEY, baseUrl)
                        .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                        .build())
                .listener(recorder)
                .random(new java.util.SplittableRandom(seed))
                .build();
        var executor = new ExactlyOnceToolExecutor(
                new MemoryIdempotencyStore(InstantSource.system()),
                IDEMPOTENCY_TTL,
                StormSettings.BUDGET,
                POLL_INTERVAL,
                Sleeper.SYSTEM);
        return new SdkOnKeelStormStack(keel, executor, recorder, ledger);
    }

    @Override
    public String name() {
        return "sdk-on-keel";
    }

    @Override
    public void run(int index) throws Exception {
        Deadline deadline = Deadline.after(StormSettings.BUDGET, Ticker.SYSTEM);
        Response first = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input(StormStack.prompt(index))
                        .addTool(tool)
                        .additionalHeaders(budget(deadline))
                        .build());
        List<ResponseInputItem> input = withToolOutputs(index, first, deadline);
        client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .inputOfResponse(input)
                        .addTool(tool)
                        .additionalHeaders(budget(deadline))
                        .build());
    }

    /** The second call's input: the prompt, then each function call and its output, the tool run exactly once. */
    private List<ResponseInputItem> withToolOutputs(int index, Response first, Deadline deadline) {
        List<ResponseInputItem> input = new ArrayList<>();
        input.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER)
                .content(StormStack.prompt(index))
                .build()));
        List<ResponseFunctionToolCall> calls = functionCalls(first);
        for (int i = 0; i < calls.size(); i++) {
            ResponseFunctionToolCall call = calls.get(i);
            var key = IdempotencyKey.of("acme", "refund", RefundLedger.id(index), "s1-" + TOOL + "-" + i);
            String output =
                    executor.execute(key, deadline, () -> ledger.refund(index)).result();
            input.add(ResponseInputItem.ofFunctionCall(call));
            input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                    .callId(call.callId())
                    .output(output)
                    .build()));
        }
        return input;
    }

    /** The workflow's remaining budget as keel's per-call option; fails when none is left. */
    private static com.openai.core.http.Headers budget(Deadline deadline) {
        Duration left = deadline.remaining();
        if (!left.isPositive()) {
            throw new IllegalStateException("the workflow's budget of " + StormSettings.BUDGET.toSeconds()
                    + " s ran out before its next model call");
        }
        return KeelCall.options().budget(left).build();
    }

    @Override
    public List<String> notes() {
        return KeelStormStack.notes(keel, recorder, executor);
    }

    @Override
    public void close() {
        client.close();
        keel.close();
    }

    private static List<ResponseFunctionToolCall> functionCalls(Response response) {
        List<ResponseFunctionToolCall> calls = response.output().stream()
                .flatMap(item -> item.functionCall().stream())
                .toList();
        if (calls.isEmpty()) {
            throw new IllegalStateException("the model answered without calling " + TOOL);
        }
        return calls;
    }

    /** The tool with the same schema as {@link StormStack#TOOL_PARAMETERS}, in the SDK's types. */
    private static FunctionTool tool() {
        var parameters = FunctionTool.Parameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("order", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("order")))
                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                .build();
        return FunctionTool.builder()
                .name(TOOL)
                .parameters(parameters)
                .strict(false)
                .build();
    }
}
