package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.issue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official openai Node SDK (pinned by the package.json and lockfile in {@code
 * src/test/resources/node-client}, installed with {@code npm ci} into {@code target/} at test time)
 * against the gateway in front of the emulator: responses plain and streamed, a chat stream,
 * embeddings, the files + batches lifecycle, and a wrong key refused with 401.
 */
class GatewayNodeClientTest {

    @Test
    void nodeSdk_throughTheGateway_coversResponsesChatEmbeddingsFilesAndBatches() throws Exception {
        Path dir = Path.of("target", "node-client");
        Files.createDirectories(dir);
        for (String f : List.of("package.json", "package-lock.json", "client.mjs")) {
            try (var in = getClass().getResourceAsStream("/node-client/" + f)) {
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
        if (!Files.isDirectory(dir.resolve("node_modules/openai"))) {
            run(dir, 180, "npm", "ci", "--no-audit", "--no-fund");
        }
        var node = issue("node", KeyLimits.NONE);
        try (var emulator = Emulator.start(
                        EmulatorConfig.builder().batchSpeed(86_400).build());
                var gateway = GatewayFixture.start(
                        emulator,
                        GatewayKeys.of(List.of(node.key())),
                        GatewaySettings.ofDefaults().withPort(0),
                        b -> b)) {
            String output =
                    run(dir, 120, "node", "client.mjs", gateway.baseUrl().toString(), node.secret());
            JsonNode out = Json.parse(output.lines().reduce((a, b) -> b).orElse("{}"));
            assertThat(out.path("plain").path("status").asText()).isEqualTo("completed");
            assertThat(out.path("plain").path("text").asText()).isNotBlank();
            assertThat(out.path("plain").path("requestId").asText()).startsWith("req_");
            assertThat(out.path("plain").path("attempts").asText()).isEqualTo("1");
            assertThat(out.path("responsesStream").get(0).asText()).isEqualTo("response.created");
            assertThat(out.path("responsesStream")
                            .get(out.path("responsesStream").size() - 1)
                            .asText())
                    .isEqualTo("response.completed");
            assertThat(out.path("chatStream").asText()).isNotBlank();
            assertThat(out.path("embedding").asInt()).isPositive();
            assertThat(out.path("batch").path("status").asText()).isEqualTo("completed");
            assertThat(out.path("batchOutput").get(0).asText()).isEqualTo("r-1");
            assertThat(out.path("wrongKey").asInt()).isEqualTo(401);
            assertThat(emulator.requests("POST", "/v1/files")).singleElement();
        }
    }

    private static String run(Path dir, int seconds, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + seconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s:%n%s", String.join(" ", command), text).isZero();
        return text;
    }
}
