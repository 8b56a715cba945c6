package dev.keel.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.core.MultipartField;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.StreamResponse;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.embeddings.EmbeddingModel;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileDeleted;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.realtime.RealtimeSessionCreateRequest;
import com.openai.models.realtime.clientsecrets.ClientSecretCreateParams;
import com.openai.models.realtime.clientsecrets.ClientSecretCreateResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.metrics.MetricNames;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official SDK on keel against the emulator over real sockets: every endpoint the emulator
 * serves works through {@link KeelHttpClient}, with typed results, keel's key on the wire (never
 * the SDK's placeholder), and keel's meters seeing the SDK's calls and streams.
 */
class KeelOpenAITest {

    private static final String KEY = "sk-test-keel-openai";
    private static final String MODEL = "gpt-4o-mini";

    private static Emulator emulator;
    private static KeelClient keel;
    private static OpenAIClient openai;

    @BeforeAll
    static void start() {
        // batches at a crawl, so one is still open to cancel; only keel's key is accepted
        emulator = Emulator.start(
                EmulatorConfig.builder().batchSpeed(0.001).requiredKey(KEY).build());
        keel = KeelClient.builder(
                        KeelClientConfig.builder(KEY, emulator.baseUrl()).build())
                .build();
        openai = KeelOpenAI.client(keel);
    }

    @AfterAll
    static void stop() {
        openai.close();
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

    @Test
    void responsesCreate_onKeel_typedAnswerAndKeelsKeyOnTheWire() {
        double cost = counter(MetricNames.COST_USD, "model", MODEL);
        Response r = openai.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Tell me about the tide")
                        .build());

        assertThat(r.id()).startsWith("resp_");
        assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(r.usage().orElseThrow().outputTokens()).isPositive();
        assertThat(text(r)).startsWith("Emulated reply to \"Tell me about the tide\"");
        assertThat(r.usage().orElseThrow().inputTokens()).isPositive();
        RecordedRequest seen = emulator.requests("POST", "/v1/responses").getFirst();
        assertThat(seen.header("authorization")).hasValue("Bearer " + KEY);
        assertThat(seen.headers().keySet()).noneMatch(h -> h.startsWith("x-keel-"));
        assertThat(seen.header("x-stainless-retry-count")).hasValue("0");
        assertThat(counter(MetricNames.COST_USD, "model", MODEL)).isGreaterThan(cost);
        assertThat(counter(MetricNames.REQUESTS + "_total", "status_code", "200")
                        + counter(MetricNames.REQUESTS, "status_code", "200"))
                .isPositive();
    }

    @Test
    void responsesRetrieve_afterCreate_sameTypedResponse() {
        Response created = openai.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Remember me")
                        .build());

        Response again = openai.responses().retrieve(created.id());

        assertThat(again.id()).isEqualTo(created.id());
        assertThat(text(again)).isEqualTo(text(created));
        assertThat(emulator.requests("GET", "/v1/responses/" + created.id())).hasSize(1);
    }

    @Test
    void responsesCreateStreaming_onKeel_eventsArriveTypedAndTheStreamIsMetered() {
        double cost = counter(MetricNames.COST_USD, "model", MODEL);
        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> stream = openai.responses()
                .createStreaming(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Stream about the tide")
                        .build())) {
            events = stream.stream().toList();
        }

        assertThat(events.getFirst().isCreated()).isTrue();
        assertThat(events.getLast().isCompleted()).isTrue();
        String deltas = events.stream()
                .flatMap(e -> e.outputTextDelta().stream())
                .map(d -> d.delta())
                .collect(Collectors.joining());
        assertThat(deltas).isEqualTo(text(events.getLast().asCompleted().response()));
        assertThat(counter(MetricNames.COST_USD, "model", MODEL))
                .as("the stream's usage is priced")
                .isGreaterThan(cost);
        assertThat(keel.meterRegistry()
                        .find(MetricNames.LLM_LATENCY_MS)
                        .tags("outcome", "ok")
                        .summary()
                        .count())
                .isPositive();
    }

    @Test
    void chatCompletions_createAndStream_typedAnswers() {
        ChatCompletion chat = openai.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(MODEL)
                        .addUserMessage("Hello there")
                        .build());
        assertThat(chat.id()).startsWith("chatcmpl");
        assertThat(chat.choices()).hasSize(1);
        assertThat(chat.choices().getFirst().message().content())
                .hasValueSatisfying(c -> assertThat(c).isNotBlank());
        assertThat(chat.usage().orElseThrow().promptTokens()).isPositive();

        double unmetered = counter(MetricNames.COST_UNMETERED_STREAMS, "reason", "no_usage");
        double cost = counter(MetricNames.COST_USD, "model", MODEL);
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model(MODEL)
                        .addUserMessage("Hello again")
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            chunks = stream.stream().toList();
        }
        String text = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .flatMap(c -> c.delta().content().stream())
                .collect(Collectors.joining());
        assertThat(text).isNotBlank();
        assertThat(chunks.getLast().usage()).isPresent();
        assertThat(counter(MetricNames.COST_USD, "model", MODEL)).isGreaterThan(cost);
        assertThat(counter(MetricNames.COST_UNMETERED_STREAMS, "reason", "no_usage"))
                .isEqualTo(unmetered);
    }

    @Test
    void embeddings_create_typedVectors() {
        CreateEmbeddingResponse e = openai.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model(EmbeddingModel.TEXT_EMBEDDING_3_SMALL)
                        .input("the tide comes in")
                        .build());

        assertThat(e.data()).hasSize(1);
        assertThat(e.data().getFirst().embedding()).isNotEmpty();
        assertThat(e.usage().promptTokens()).isPositive();
    }

    @Test
    void files_uploadMultipart_contentBinary_delete() throws IOException {
        byte[] content = batchInput("f");
        FileObject uploaded = upload(content);
        assertThat(uploaded.id()).startsWith("file-");
        assertThat(uploaded.bytes()).isEqualTo(content.length);
        assertThat(uploaded.filename()).isEqualTo("requests.jsonl");
        assertThat(uploaded.purpose()).isEqualTo(FileObject.Purpose.BATCH);
        assertThat(emulator.requests("POST", "/v1/files").getFirst().header("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("multipart/form-data; boundary="));

        try (HttpResponse body = openai.files().content(uploaded.id());
                InputStream in = body.body()) {
            assertThat(body.statusCode()).isEqualTo(200);
            assertThat(in.readAllBytes()).isEqualTo(content);
        }

        FileDeleted deleted = openai.files().delete(uploaded.id());
        assertThat(deleted.id()).isEqualTo(uploaded.id());
        assertThat(deleted.deleted()).isTrue();
    }

    @Test
    void batches_createRetrieveListCancel() {
        FileObject input = upload(batchInput("b"));
        Batch created = openai.batches()
                .create(BatchCreateParams.builder()
                        .inputFileId(input.id())
                        .endpoint(BatchCreateParams.Endpoint.V1_RESPONSES)
                        .completionWindow(BatchCreateParams.CompletionWindow._24H)
                        .build());
        assertThat(created.id()).startsWith("batch_");
        assertThat(created.inputFileId()).isEqualTo(input.id());

        Batch retrieved = openai.batches().retrieve(created.id());
        assertThat(retrieved.id()).isEqualTo(created.id());
        assertThat(retrieved.endpoint()).isEqualTo("/v1/responses");

        List<String> listed =
                openai.batches().list().data().stream().map(Batch::id).toList();
        assertThat(listed).contains(created.id());

        Batch cancelled = openai.batches().cancel(created.id());
        assertThat(cancelled.id()).isEqualTo(created.id());
        assertThat(cancelled.status()).isIn(Batch.Status.CANCELLING, Batch.Status.CANCELLED);
    }

    @Test
    void realtimeClientSecrets_create_ephemeralKey() {
        ClientSecretCreateResponse secret = openai.realtime()
                .clientSecrets()
                .create(ClientSecretCreateParams.builder()
                        .session(RealtimeSessionCreateRequest.builder()
                                .model("gpt-realtime")
                                .build())
                        .build());

        assertThat(secret.value()).startsWith("ek_");
        assertThat(secret.session().asRealtime().id()).startsWith("sess_");
    }

    @Test
    void asyncClient_responsesCreate_completesTyped() throws Exception {
        OpenAIClientAsync async = KeelOpenAI.asyncClient(keel);
        try {
            Response r = async.responses()
                    .create(ResponseCreateParams.builder()
                            .model(MODEL)
                            .input("Async hello")
                            .build())
                    .get();
            assertThat(text(r)).startsWith("Emulated reply to \"Async hello\"");
        } finally {
            async.close();
        }
    }

    static String text(Response response) {
        return response.output().stream()
                .flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream())
                .flatMap(content -> content.outputText().stream())
                .map(ResponseOutputText::text)
                .collect(Collectors.joining());
    }

    private static FileObject upload(byte[] content) {
        return openai.files()
                .create(FileCreateParams.builder()
                        .file(MultipartField.<InputStream>builder()
                                .value(new ByteArrayInputStream(content))
                                .filename("requests.jsonl")
                                .build())
                        .purpose(FilePurpose.BATCH)
                        .build());
    }

    private static byte[] batchInput(String prefix) {
        String lines = List.of("1", "2").stream()
                .map(i -> "{\"custom_id\":\"" + prefix + i + "\",\"method\":\"POST\",\"url\":\"/v1/responses\","
                        + "\"body\":{\"model\":\"" + MODEL + "\",\"input\":\"Question " + i + "\"}}")
                .collect(Collectors.joining("\n", "", "\n"));
        return lines.getBytes(StandardCharsets.UTF_8);
    }
}
