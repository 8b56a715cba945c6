package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.MultipartField;
import com.openai.core.ObjectMappers;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.realtime.RealtimeSessionCreateRequest;
import com.openai.models.realtime.clientsecrets.ClientSecretCreateParams;
import com.openai.models.realtime.clientsecrets.ClientSecretCreateResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseIncludable;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseReasoningItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.StructuredResponse;
import com.openai.models.responses.StructuredResponseCreateParams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK against the emulator over real sockets: what the SDK sends must be
 * accepted, and what the emulator answers must parse into the SDK's models.
 */
class OpenAiSdkTest {

    private static final String MODEL = "gpt-4o-mini";
    private static final String BATCH_FILENAME = "requests.jsonl";
    private static final List<String> CUSTOM_IDS = List.of("req-1", "req-2", "req-3");
    private static final Set<Batch.Status> TERMINAL =
            Set.of(Batch.Status.COMPLETED, Batch.Status.FAILED, Batch.Status.EXPIRED, Batch.Status.CANCELLED);

    private static Emulator emulator;
    private static OpenAIClient client;

    /** The structured output the SDK derives a JSON schema from and parses the answer into. */
    public static class Forecast {
        public String city;
        public Sky sky;
        public List<String> tags;
    }

    public enum Sky {
        CLEAR,
        CLOUDY,
        RAINY
    }

    @BeforeAll
    static void start() {
        emulator = Emulator.start(EmulatorConfig.builder().batchSpeed(86_400).build());
        client = OpenAIOkHttpClient.builder()
                .baseUrl(emulator.baseUrl().toString())
                .apiKey("sk-test-sdk")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @BeforeEach
    void forgetRequests() {
        emulator.clearRequests();
    }

    /** A function tool the SDK derives from a class. */
    public static class GetWeather {
        public String city;
    }

    @Test
    void responsesCreate_reasoningModelToolLoop_storeFalse_echoingTheSdksItemsIsAccepted_droppingReasoningIsNot() {
        var first = client.responses()
                .create(ResponseCreateParams.builder()
                        .model("gpt-5-mini")
                        .input("What is the weather in Oslo? Use GetWeather")
                        .store(false)
                        .addInclude(ResponseIncludable.REASONING_ENCRYPTED_CONTENT)
                        .addTool(GetWeather.class)
                        .build())
                .validate();
        assertThat(first.output().get(0).isReasoning()).isTrue();
        ResponseReasoningItem reasoning = first.output().get(0).asReasoning();
        assertThat(reasoning.encryptedContent()).isPresent();
        ResponseFunctionToolCall call = first.output().get(1).asFunctionCall();
        assertThat(first.usage().orElseThrow().outputTokensDetails().reasoningTokens())
                .isPositive();
        var output = ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId())
                .output("{\"temperature_c\":4}")
                .build());

        Response done = client.responses()
                .create(followUp(List.of(
                        ResponseInputItem.ofReasoning(reasoning), ResponseInputItem.ofFunctionCall(call), output)))
                .validate();

        assertThat(outputText(done)).contains("{\"temperature_c\":4}");
        assertThatThrownBy(() ->
                        client.responses().create(followUp(List.of(ResponseInputItem.ofFunctionCall(call), output))))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("was provided without its required 'reasoning' item: '" + reasoning.id() + "'");
    }

    private static ResponseCreateParams followUp(List<ResponseInputItem> input) {
        return ResponseCreateParams.builder()
                .model("gpt-5-mini")
                .inputOfResponse(input)
                .store(false)
                .addInclude(ResponseIncludable.REASONING_ENCRYPTED_CONTENT)
                .addTool(GetWeather.class)
                .build();
    }

    @Test
    void responsesCreate_plainInput_returnsEmulatedText() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Say hello")
                        .build())
                .validate();

        assertThat(outputText(response)).startsWith("Emulated reply to \"Say hello\"");
        assertThat(response.id()).startsWith("resp_");
        assertThat(response.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.inputTokens()).isPositive();
            assertThat(usage.outputTokens()).isPositive();
        });
        List<RecordedRequest> received = emulator.requests("POST", "/v1/responses");
        assertThat(received).hasSize(1);
        assertThat(received.get(0).header("authorization")).hasValue("Bearer sk-test-sdk");
    }

    @Test
    void responsesCreateStreaming_plainInput_deltasJoinToCompletedText() {
        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> stream = client.responses()
                .createStreaming(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Tell me about the tide")
                        .build())) {
            events = stream.stream().toList();
        }

        assertThat(events).hasSizeGreaterThan(2);
        events.forEach(ResponseStreamEvent::validate);
        assertThat(events.get(0).isCreated())
                .as("first event is response.created")
                .isTrue();
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isCompleted()).as("last event is response.completed").isTrue();
        Response completed = last.asCompleted().response();
        String deltas = events.stream()
                .flatMap(e -> e.outputTextDelta().stream())
                .map(d -> d.delta())
                .collect(Collectors.joining());
        assertThat(deltas).isNotEmpty().isEqualTo(outputText(completed));
        assertThat(outputText(completed)).startsWith("Emulated reply to \"Tell me about the tide\"");
        List<Long> sequence = events.stream().map(OpenAiSdkTest::sequenceNumber).toList();
        assertThat(sequence.get(0)).as("first sequence_number").isZero();
        for (int i = 1; i < sequence.size(); i++) {
            assertThat(sequence.get(i)).as("sequence_number of event %d", i).isEqualTo(sequence.get(i - 1) + 1);
        }
    }

    @Test
    void responsesCreate_structuredClass_parsesIntoJavaObject() {
        StructuredResponseCreateParams<Forecast> params = ResponseCreateParams.builder()
                .model(MODEL)
                .input("Forecast the weather in Lisbon")
                .text(Forecast.class)
                .build();

        StructuredResponse<Forecast> response =
                client.responses().create(params).validate();

        List<Forecast> parsed = response.output().stream()
                .flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream())
                .flatMap(content -> content.outputText().stream())
                .toList();
        assertThat(parsed).hasSize(1);
        Forecast forecast = parsed.get(0);
        assertThat(forecast.city).isNotNull();
        assertThat(forecast.sky).isNotNull().isIn((Object[]) Sky.values());
        assertThat(forecast.tags).isNotNull().doesNotContainNull();
        String sent = emulator.requests("POST", "/v1/responses").get(0).body();
        JsonNode format = readTree(sent).path("text").path("format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("strict").asBoolean()).isTrue();
    }

    @Test
    void filesCreate_batchJsonl_retrievesSameMetadata() {
        byte[] content = batchInput();

        FileObject uploaded = upload(content);
        FileObject retrieved = client.files().retrieve(uploaded.id()).validate();

        assertThat(uploaded.id()).startsWith("file-");
        assertThat(retrieved.id()).isEqualTo(uploaded.id());
        assertThat(retrieved.bytes()).isEqualTo(content.length);
        assertThat(retrieved.filename()).isEqualTo(BATCH_FILENAME);
        assertThat(retrieved.purpose()).isEqualTo(FileObject.Purpose.BATCH);
        assertThat(uploaded.bytes()).isEqualTo(content.length);
    }

    @Test
    void batchesCreate_threeResponseLines_completesWithOneResultPerLine() throws IOException {
        FileObject input = upload(batchInput());

        Batch created = client.batches()
                .create(BatchCreateParams.builder()
                        .inputFileId(input.id())
                        .endpoint(BatchCreateParams.Endpoint.V1_RESPONSES)
                        .completionWindow(BatchCreateParams.CompletionWindow._24H)
                        .build());
        Batch done = await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> client.batches().retrieve(created.id()), b -> TERMINAL.contains(b.status()));

        assertThat(created.id()).startsWith("batch_");
        assertThat(done.validate().status()).as("batch %s", done).isEqualTo(Batch.Status.COMPLETED);
        assertThat(done.requestCounts()).hasValueSatisfying(counts -> {
            assertThat(counts.total()).isEqualTo(3);
            assertThat(counts.completed()).isEqualTo(3);
            assertThat(counts.failed()).isZero();
        });
        assertThat(done.outputFileId()).isPresent();
        List<JsonNode> lines;
        try (HttpResponse output = client.files().content(done.outputFileId().orElseThrow());
                InputStream body = output.body()) {
            assertThat(output.statusCode()).isEqualTo(200);
            lines = new String(body.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank())
                    .map(OpenAiSdkTest::readTree)
                    .toList();
        }
        assertThat(lines).hasSize(3);
        assertThat(lines.stream().map(line -> line.path("custom_id").asText()))
                .containsExactlyInAnyOrderElementsOf(CUSTOM_IDS);
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.path("response").path("status_code").asInt()).isEqualTo(200);
            assertThat(line.path("response").path("body").path("id").asText()).startsWith("resp_");
        });
    }

    @Test
    void realtimeClientSecretsCreate_defaultExpiry_returnsEphemeralKey() {
        long before = Instant.now().getEpochSecond();

        ClientSecretCreateResponse secret = client.realtime()
                .clientSecrets()
                .create(ClientSecretCreateParams.builder()
                        .session(RealtimeSessionCreateRequest.builder()
                                .model("gpt-realtime")
                                .build())
                        .build());

        long after = Instant.now().getEpochSecond();
        assertThat(secret.value()).startsWith("ek_");
        assertThat(secret.expiresAt()).isGreaterThan(after).isBetween(before + 600 - 1, after + 600 + 1);
        assertThat(secret.session().isRealtime()).isTrue();
        assertThat(secret.validate().session().asRealtime().id()).startsWith("sess_");
    }

    private FileObject upload(byte[] content) {
        return client.files()
                .create(FileCreateParams.builder()
                        .file(MultipartField.<InputStream>builder()
                                .value(new ByteArrayInputStream(content))
                                .filename(BATCH_FILENAME)
                                .build())
                        .purpose(FilePurpose.BATCH)
                        .build())
                .validate();
    }

    private static byte[] batchInput() {
        var lines = new ArrayList<String>();
        for (String id : CUSTOM_IDS) {
            lines.add(
                    "{\"custom_id\":\"" + id + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\""
                            + MODEL + "\",\"input\":\"Question " + id + "\"}}");
        }
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String outputText(Response response) {
        return response.output().stream()
                .flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream())
                .flatMap(content -> content.outputText().stream())
                .map(ResponseOutputText::text)
                .collect(Collectors.joining());
    }

    /** The event's {@code sequence_number} as the SDK parsed it, read through its own serializer. */
    private static long sequenceNumber(ResponseStreamEvent event) {
        JsonNode json = ObjectMappers.jsonMapper().valueToTree(event);
        assertThat(json.path("sequence_number").isIntegralNumber())
                .as("sequence_number of %s", json.path("type").asText())
                .isTrue();
        return json.path("sequence_number").asLong();
    }

    private static JsonNode readTree(String json) {
        try {
            return ObjectMappers.jsonMapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
