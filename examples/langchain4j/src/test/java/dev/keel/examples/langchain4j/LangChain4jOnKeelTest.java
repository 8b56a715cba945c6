package dev.keel.examples.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.metrics.MetricNames;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import dev.keel.openai.KeelOpenAI;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openaiofficial.OpenAiOfficialChatModel;
import dev.langchain4j.model.openaiofficial.OpenAiOfficialStreamingChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's "OpenAI Official SDK" models on the official SDK on keel against the emulator over
 * real sockets: a streamed Responses call reaches the emulator through keel's pipeline, with keel's
 * key on the wire and keel's meters moved; the Chat Completions models cannot take the
 * application's client in 1.11.0-beta19 (pinned here, see {@link LangChain4jOnKeel}).
 */
class LangChain4jOnKeelTest {

    private static final String KEY = "sk-test-langchain4j-on-keel";
    private static final String MODEL = "gpt-4o-mini";

    private static Emulator emulator;
    private static KeelClient keel;

    @BeforeAll
    static void start() {
        // only keel's key is accepted: a call that bypassed keel (the SDK's placeholder key) is refused
        emulator = Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
        keel = KeelClient.builder(
                        KeelClientConfig.builder(KEY, emulator.baseUrl()).build())
                .build();
    }

    @AfterAll
    static void stop() {
        keel.close();
        emulator.close();
    }

    @BeforeEach
    void forget() {
        emulator.clearRequests();
    }

    private static double cost() {
        var c = keel.meterRegistry()
                .find(MetricNames.COST_USD)
                .tags("model", MODEL)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static long latencies() {
        var s = keel.meterRegistry()
                .find(MetricNames.LLM_LATENCY_MS)
                .tags("outcome", "ok")
                .summary();
        return s == null ? 0 : s.count();
    }

    private static void assertThroughKeel(RecordedRequest seen) {
        assertThat(seen.header("authorization")).hasValue("Bearer " + KEY);
        assertThat(seen.header("x-stainless-retry-count")).hasValue("0");
        assertThat(seen.headers().keySet()).noneMatch(h -> h.startsWith("x-keel-"));
    }

    @Test
    void chatCompletionsModels_givenTheApplicationsClient_failBeforeAnyRequestIn_1_11_0_beta19() {
        // The blocker the docs name: these constructors skip OpenAiOfficialBaseChatModel.init(...)
        // when given a client, so defaultRequestParameters() is null. When a newer version fixes
        // this, this test fails: wire the chat models in LangChain4jOnKeel then.
        var chat = OpenAiOfficialChatModel.builder()
                .openAIClient(KeelOpenAI.client(keel))
                .modelName(MODEL)
                .build();
        var streaming = OpenAiOfficialStreamingChatModel.builder()
                .openAIClientAsync(KeelOpenAI.asyncClient(keel))
                .modelName(MODEL)
                .build();

        assertThat(chat.defaultRequestParameters()).isNull();
        assertThatThrownBy(() -> chat.chat("Summarise ticket 42"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("defaultRequestParameters()");
        assertThat(streaming.defaultRequestParameters()).isNull();
        assertThat(emulator.requests("POST", "/v1/chat/completions")).isEmpty();
    }

    @Test
    void responses_throughLangChain4j_streamedThroughKeelAndPriced() throws Exception {
        double cost = cost();
        long calls = latencies();

        Streamed streamed = stream(LangChain4jOnKeel.responsesModel(keel, MODEL), "Tell me about the tide");

        assertThat(streamed.partials()).startsWith("Emulated reply to \"Tell me about the tide");
        assertThat(streamed.response().aiMessage().text()).isEqualTo(streamed.partials());
        List<RecordedRequest> seen = emulator.requests("POST", "/v1/responses");
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().body()).contains("\"stream\":true");
        assertThroughKeel(seen.getFirst());
        assertThat(latencies()).as("keel timed the stream to its end").isEqualTo(calls + 1);
        assertThat(cost()).as("keel priced the stream's terminal usage").isGreaterThan(cost);
    }

    /** The partial texts joined, and the complete response. */
    private record Streamed(String partials, ChatResponse response) {}

    private static Streamed stream(StreamingChatModel model, String prompt) throws Exception {
        var partials = new StringBuilder();
        var done = new CompletableFuture<ChatResponse>();
        model.chat(prompt, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                synchronized (partials) {
                    partials.append(partial);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(30, TimeUnit.SECONDS);
        synchronized (partials) {
            return new Streamed(partials.toString(), response);
        }
    }
}
