package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.issue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ChatModel;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.embeddings.EmbeddingModel;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * openai-java with its default OkHttp transport through the gateway, for the routes {@link
 * GatewayTest} does not drive with it: a chat stream, embeddings, and a files + batches lifecycle
 * (upload, create, poll until completed, download the output). Against the emulator.
 */
class GatewayOpenAiJavaTest {

    @TempDir
    Path dir;

    @Test
    void chatStream_embeddings_andAFilesBatchesLifecycle_throughTheOfficialJavaSdk() throws Exception {
        var key = issue("java", KeyLimits.NONE);
        try (var emulator = Emulator.start(
                        EmulatorConfig.builder().batchSpeed(86_400).build());
                var gateway = GatewayFixture.start(
                        emulator,
                        GatewayKeys.of(List.of(key.key())),
                        GatewaySettings.ofDefaults().withPort(0),
                        b -> b)) {
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl(gateway.baseUrl().toString())
                    .apiKey(key.secret())
                    .maxRetries(0)
                    .timeout(Duration.ofSeconds(20))
                    .build();
            try {
                String chat;
                try (var stream = client.chat()
                        .completions()
                        .createStreaming(ChatCompletionCreateParams.builder()
                                .model(ChatModel.GPT_4_1_MINI)
                                .addUserMessage("Say hi")
                                .build())) {
                    chat = stream.stream()
                            .map(ChatCompletionChunk::choices)
                            .filter(c -> !c.isEmpty())
                            .map(c -> c.get(0).delta().content().orElse(""))
                            .collect(Collectors.joining());
                }
                assertThat(chat).isNotBlank();

                var emb = client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model(EmbeddingModel.TEXT_EMBEDDING_3_SMALL)
                                .input("hello world")
                                .build());
                assertThat(emb.data().get(0).embedding()).isNotEmpty();

                Path in = dir.resolve("in.jsonl");
                Files.writeString(
                        in,
                        "{\"custom_id\":\"j-1\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":"
                                + "\"gpt-4.1-mini\",\"input\":\"Batch hello\"}}\n"
                                + "{\"custom_id\":\"j-2\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":"
                                + "\"gpt-4.1-mini\",\"input\":\"Batch bye\"}}\n");
                var file = client.files()
                        .create(FileCreateParams.builder()
                                .file(in)
                                .purpose(FilePurpose.BATCH)
                                .build());
                var batch = client.batches()
                        .create(BatchCreateParams.builder()
                                .inputFileId(file.id())
                                .endpoint(BatchCreateParams.Endpoint.V1_RESPONSES)
                                .completionWindow(BatchCreateParams.CompletionWindow._24H)
                                .build());
                Batch[] seen = {batch};
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            seen[0] = client.batches().retrieve(batch.id());
                            return List.of(
                                            Batch.Status.COMPLETED,
                                            Batch.Status.FAILED,
                                            Batch.Status.EXPIRED,
                                            Batch.Status.CANCELLED)
                                    .contains(seen[0].status());
                        });
                assertThat(seen[0].status()).as("%s", seen[0]).isEqualTo(Batch.Status.COMPLETED);
                assertThat(seen[0].requestCounts().orElseThrow().completed()).isEqualTo(2);
                String output;
                try (var content = client.files().content(seen[0].outputFileId().orElseThrow());
                        InputStream body = content.body()) {
                    output = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                }
                assertThat(output.strip()
                                .lines()
                                .map(l -> Json.parse(l).path("custom_id").asText()))
                        .containsExactlyInAnyOrder("j-1", "j-2");
            } finally {
                client.close();
            }
        }
    }
}
