package dev.keel.examples.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.metrics.MetricNames;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;

/**
 * Spring AI 2 on the official SDK on keel against the emulator over real sockets: a {@link ChatClient}
 * call and a streamed chat through {@link OpenAiChatModel} reach the emulator through keel's
 * pipeline, with keel's key on the wire and keel's meters moved.
 */
class SpringAiOnKeelTest {

    private static final String KEY = "sk-test-spring-ai-on-keel";
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

    private static double counter(String name, String... tags) {
        var c = keel.meterRegistry().find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private static long latencies(String outcome) {
        var s = keel.meterRegistry()
                .find(MetricNames.LLM_LATENCY_MS)
                .tags("outcome", outcome)
                .summary();
        return s == null ? 0 : s.count();
    }

    @Test
    void chatClientCall_throughSpringAi_answeredByTheEmulatorThroughKeel() {
        double cost = counter(MetricNames.COST_USD, "model", MODEL);
        long calls = latencies("ok");

        String answer = SpringAiOnKeel.chatClient(keel, MODEL)
                .prompt()
                .user("Summarise ticket 42")
                .call()
                .content();

        assertThat(answer).startsWith("Emulated reply to \"Summarise ticket 42");
        List<RecordedRequest> seen = emulator.requests("POST", "/v1/chat/completions");
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().header("authorization")).hasValue("Bearer " + KEY);
        assertThat(seen.getFirst().header("x-stainless-retry-count")).hasValue("0");
        assertThat(seen.getFirst().headers().keySet()).noneMatch(h -> h.startsWith("x-keel-"));
        assertThat(latencies("ok")).as("keel timed the call").isEqualTo(calls + 1);
        assertThat(counter(MetricNames.COST_USD, "model", MODEL))
                .as("keel's cost meter priced the call")
                .isGreaterThan(cost);
    }

    @Test
    void chatModelStream_throughSpringAi_chunksArriveThroughKeel() {
        OpenAiChatModel model = SpringAiOnKeel.chatModel(keel, MODEL);
        long calls = latencies("ok");

        List<ChatResponse> chunks =
                model.stream(new Prompt("Stream about the tide")).collectList().block();

        String text = chunks.stream()
                .filter(r -> r.getResult() != null && r.getResult().getOutput().getText() != null)
                .map(r -> r.getResult().getOutput().getText())
                .collect(Collectors.joining());
        assertThat(text).startsWith("Emulated reply to \"Stream about the tide");
        List<RecordedRequest> seen = emulator.requests("POST", "/v1/chat/completions");
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().body()).contains("\"stream\":true");
        assertThat(seen.getFirst().header("authorization")).hasValue("Bearer " + KEY);
        assertThat(latencies("ok")).as("keel timed the stream to its end").isEqualTo(calls + 1);
    }
}
