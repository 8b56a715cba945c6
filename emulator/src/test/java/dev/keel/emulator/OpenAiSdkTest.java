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
import com.openai.errors.NotFoundException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.models.Model;
import com.openai.models.realtime.RealtimeSessionCreateRequest;
import com.openai.models.realtime.clientsecrets.ClientSecretCreateParams;
import com.openai.models.realtime.clientsecrets.ClientSecretCreateResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseIncludable;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseInputMessageItem;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseReasoningItem;
import com.openai.models.responses.ResponseRetrieveParams;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.StructuredResponse;
import com.openai.models.responses.StructuredResponseCreateParams;
import com.openai.models.responses.inputitems.InputItemListParams;
import com.openai.models.responses.inputtokens.InputTokenCountParams;
import com.openai.models.responses.inputtokens.InputTokenCountResponse;
import dev.keel.wire.testing.FakeClock;
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
    /** An emulator on a fake clock at speed 1, for background responses: queued 1 s, in progress 2 s. */
    private static final FakeClock CLOCK = new FakeClock();

    private static Emulator backgroundEmulator;
    private static OpenAIClient backgroundClient;

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
        backgroundEmulator = Emulator.start(
                EmulatorConfig.builder().clock(CLOCK).batchSpeed(1).build());
        backgroundClient = OpenAIOkHttpClient.builder()
                .baseUrl(backgroundEmulator.baseUrl().toString())
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
        if (backgroundClient != null) {
            backgroundClient.close();
        }
        if (backgroundEmulator != null) {
            backgroundEmulator.close();
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

    @Test
    void modelsList_priceTableModels_parseIntoModels() {
        List<Model> models = client.models().list().data();

        assertThat(models).extracting(Model::id).contains(MODEL, "gpt-4.1-mini", "gpt-5", "text-embedding-3-small");
        Model mini =
                models.stream().filter(m -> m.id().equals(MODEL)).findFirst().orElseThrow();
        mini.validate();
        assertThat(mini.ownedBy()).isEqualTo("system");
        assertThat(mini.created()).isEqualTo(1_735_689_600L);
        assertThat(mini._object_().asString()).hasValue("model");
    }

    @Test
    void modelsRetrieve_knownModel_andUnknownModelIsNotFound() {
        Model model = client.models().retrieve(MODEL).validate();

        assertThat(model.id()).isEqualTo(MODEL);
        assertThat(model.ownedBy()).isEqualTo("system");
        assertThatThrownBy(() -> client.models().retrieve("gpt-nope"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).hasValue("model_not_found");
                    assertThat(e.param()).hasValue("model");
                    assertThat(e.getMessage())
                            .contains("The model 'gpt-nope' does not exist or you do not have access to it.");
                });
    }

    @Test
    void responsesInputItemsList_stringInput_oneUserMessageItem() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Say hello")
                        .build());

        var page = client.responses().inputItems().list(response.id());
        var asc = client.responses()
                .inputItems()
                .list(
                        response.id(),
                        InputItemListParams.builder()
                                .order(InputItemListParams.Order.ASC)
                                .limit(1)
                                .build());

        assertThat(page.data()).hasSize(1);
        assertThat(page.hasMore()).hasValue(false);
        ResponseItem item = page.data().get(0).validate();
        assertThat(item.isResponseInputMessageItem()).isTrue();
        ResponseInputMessageItem message = item.asResponseInputMessageItem();
        assertThat(message.id()).startsWith("msg_");
        assertThat(message.role()).isEqualTo(ResponseInputMessageItem.Role.USER);
        assertThat(message.status()).hasValue(ResponseInputMessageItem.Status.COMPLETED);
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asInputText().text()).isEqualTo("Say hello");
        assertThat(asc.data())
                .extracting(i -> i.asResponseInputMessageItem().id())
                .containsExactly(message.id());
    }

    @Test
    void responsesDelete_storedResponse_isThenNotFound() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Forget me")
                        .build());

        client.responses().delete(response.id());

        assertThatThrownBy(() -> client.responses().retrieve(response.id()))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThatThrownBy(() -> client.responses().delete(response.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void responsesCancel_backgroundResponse_isCancelled_andASynchronousOneIsRefused() {
        Response queued = backgroundClient
                .responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("A long task")
                        .background(true)
                        .build())
                .validate();

        Response cancelled = backgroundClient.responses().cancel(queued.id()).validate();
        CLOCK.advance(Duration.ofSeconds(5));
        Response later = backgroundClient.responses().retrieve(queued.id()).validate();

        assertThat(queued.status()).hasValue(ResponseStatus.QUEUED);
        assertThat(queued.background()).hasValue(true);
        assertThat(cancelled.id()).isEqualTo(queued.id());
        assertThat(cancelled.status()).hasValue(ResponseStatus.CANCELLED);
        assertThat(cancelled.output()).isEmpty();
        assertThat(later.status()).hasValue(ResponseStatus.CANCELLED);
        Response synchronous = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Quick")
                        .build());
        assertThatThrownBy(() -> client.responses().cancel(synchronous.id()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("Cannot cancel a synchronous response.");
                });
    }

    @Test
    void responsesRetrieveStreaming_startingAfter_resumesABackgroundStreamWhereItStopped() {
        List<ResponseStreamEvent> first;
        try (StreamResponse<ResponseStreamEvent> stream = backgroundClient
                .responses()
                .createStreaming(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Tell me about the tide")
                        .background(true)
                        .build())) {
            first = stream.stream().limit(2).toList(); // created and queued; then the client goes away
        }
        String id = first.get(0).asCreated().response().id();
        CLOCK.advance(Duration.ofSeconds(3));

        List<ResponseStreamEvent> rest;
        try (StreamResponse<ResponseStreamEvent> stream = backgroundClient
                .responses()
                .retrieveStreaming(ResponseRetrieveParams.builder()
                        .responseId(id)
                        .startingAfter(1L)
                        .build())) {
            rest = stream.stream().toList();
        }

        first.forEach(ResponseStreamEvent::validate);
        rest.forEach(ResponseStreamEvent::validate);
        assertThat(first.get(0).asCreated().response().status()).hasValue(ResponseStatus.QUEUED);
        assertThat(first.get(1).isQueued())
                .as("second event is response.queued")
                .isTrue();
        assertThat(rest.get(0).isInProgress())
                .as("resumed at response.in_progress")
                .isTrue();
        List<Long> sequence = rest.stream().map(OpenAiSdkTest::sequenceNumber).toList();
        for (int i = 0; i < sequence.size(); i++) {
            assertThat(sequence.get(i))
                    .as("sequence_number of resumed event %d", i)
                    .isEqualTo(2L + i);
        }
        ResponseStreamEvent last = rest.get(rest.size() - 1);
        assertThat(last.isCompleted()).as("last event is response.completed").isTrue();
        Response completed = last.asCompleted().response();
        assertThat(completed.id()).isEqualTo(id);
        assertThat(completed.status()).hasValue(ResponseStatus.COMPLETED);
        String deltas = rest.stream()
                .flatMap(e -> e.outputTextDelta().stream())
                .map(d -> d.delta())
                .collect(Collectors.joining());
        assertThat(deltas).isNotEmpty().isEqualTo(outputText(completed));
        assertThat(outputText(backgroundClient.responses().retrieve(id))).isEqualTo(deltas);
    }

    @Test
    void responsesInputTokensCount_sameBodyAsCreate_equalsUsageInputTokens() {
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .instructions("Answer like a harbour master")
                        .input("When does the tide turn?")
                        .build());

        InputTokenCountResponse count = client.responses()
                .inputTokens()
                .count(InputTokenCountParams.builder()
                        .model(MODEL)
                        .instructions("Answer like a harbour master")
                        .input("When does the tide turn?")
                        .build())
                .validate();

        assertThat(count.inputTokens()).isPositive();
        assertThat(count.inputTokens()).isEqualTo(response.usage().orElseThrow().inputTokens());
        assertThat(count._object_().asString()).hasValue("response.input_tokens");
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
