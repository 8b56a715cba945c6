package dev.keel.core.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.MemoryIdempotencyStore;
import dev.keel.core.time.Sleeper;
import dev.keel.emulator.Emulator;
import dev.keel.wire.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tool definitions ToolLoop sends carry what the spec requires: {@code strict}, and the description. */
class ToolDefinitionsTest {

    private static final String PARAMS = "{\"type\":\"object\",\"description\":\"Refund an order\","
            + "\"properties\":{\"order\":{\"type\":\"string\"}},\"required\":[\"order\"],\"additionalProperties\":false}";

    @Test
    void run_toolDefinitions_sendStrictAndTheDescription() throws Exception {
        try (var emulator = Emulator.start();
                var client = KeelClient.builder(KeelClientConfig.builder("sk-tools", emulator.baseUrl())
                                .build())
                        .build()) {
            var executor = new ExactlyOnceToolExecutor(
                    new MemoryIdempotencyStore(InstantSource.system()),
                    Duration.ofMinutes(15),
                    Duration.ofSeconds(30),
                    Duration.ofMillis(10),
                    Sleeper.SYSTEM);
            var loop = new ToolLoop(client, executor, new SimpleMeterRegistry(), 4);
            var described = new ToolLoop.Tool("issue_refund", Json.parse(PARAMS), true, args -> "ok");
            var explicit = new ToolLoop.Tool("lookup", "Look an order up", Json.parse(PARAMS), true, args -> "ok");
            var request = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Refund order 42\"}");

            loop.run(
                    new ToolLoop.Workflow("acme", "refund", "o-1"),
                    request,
                    List.of(described, explicit),
                    Duration.ofSeconds(20));

            JsonNode tools = Json.parse(
                            emulator.requests("POST", "/v1/responses").get(0).body())
                    .get("tools");
            assertThat(tools.get(0).get("strict").asBoolean()).isTrue();
            assertThat(tools.get(0).get("description").asText()).isEqualTo("Refund an order");
            assertThat(tools.get(1).get("strict").asBoolean()).isTrue();
            assertThat(tools.get(1).get("description").asText()).isEqualTo("Look an order up");
        }
    }
}
