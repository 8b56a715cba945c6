package dev.keel.bench;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.Interceptor;

/**
 * The official OpenAI Java SDK with its default retries ({@code maxRetries} 2: three attempts with
 * the SDK's own backoff) and otherwise default settings; the workflow is written by hand with the
 * SDK's typed builders: {@code create} with the tool, run the tool (no idempotency), {@code create}
 * again with the {@code function_call} and a {@code function_call_output} item. An OkHttp
 * interceptor added through the SDK's builder sees each attempt the SDK makes and counts it.
 * Thread-safe.
 */
final class SdkStormStack implements StormStack {

    private final OpenAIClient client;
    private final StormTally tally;
    private final RefundLedger ledger;
    private final FunctionTool tool = tool();

    private SdkStormStack(OpenAIClient client, StormTally tally, RefundLedger ledger) {
        this.client = client;
        this.tally = tally;
        this.ledger = ledger;
    }

    /** Builds an SDK client for the emulator at {@code baseUrl}, retries left at the SDK's default. */
    static SdkStormStack open(URI baseUrl, StormTally tally, RefundLedger ledger) {
        Interceptor counter = chain -> {
            try {
                okhttp3.Response response = chain.proceed(chain.request());
                tally.upstreamAnswered(response.code());
                return response;
            } catch (IOException e) {
                tally.upstreamAnswered(0);
                throw e;
            }
        };
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .apiKey(API_KEY)
                .baseUrl(baseUrl.toString())
                .addInterceptor(counter)
                .build();
        return new SdkStormStack(client, tally, ledger);
    }

    @Override
    public String name() {
        return "openai-java";
    }

    @Override
    public void run(int index) throws Exception {
        long deadline = System.nanoTime() + StormSettings.BUDGET.toNanos();
        Response first = create(ResponseCreateParams.builder()
                .model(MODEL)
                .input(StormStack.prompt(index))
                .addTool(tool)
                .build());
        List<ResponseInputItem> input = withToolOutputs(index, first);
        checkBudget(deadline);
        create(ResponseCreateParams.builder()
                .model(MODEL)
                .inputOfResponse(input)
                .addTool(tool)
                .build());
    }

    /** The second call's input: the prompt, then each function call and its output (the side effect runs here). */
    private List<ResponseInputItem> withToolOutputs(int index, Response first) throws InterruptedException {
        List<ResponseInputItem> input = new ArrayList<>();
        input.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER)
                .content(StormStack.prompt(index))
                .build()));
        for (ResponseFunctionToolCall call : functionCalls(first)) {
            input.add(ResponseInputItem.ofFunctionCall(call));
            input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                    .callId(call.callId())
                    .output(ledger.refund(index))
                    .build()));
        }
        return input;
    }

    @Override
    public void close() {
        client.close();
    }

    private Response create(ResponseCreateParams params) {
        tally.logicalCall();
        Response response;
        try {
            response = client.responses().create(params);
        } catch (RuntimeException e) {
            tally.modelCallFailed();
            throw e;
        }
        tally.modelCallSucceeded();
        return response;
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

    private static void checkBudget(long deadline) {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("the workflow's budget of " + StormSettings.BUDGET.toSeconds()
                    + " s ran out before its second model call");
        }
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
