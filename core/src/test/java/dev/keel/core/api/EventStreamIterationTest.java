package dev.keel.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.error.StreamTruncatedException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.metrics.MetricNames;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link EventStream} as an {@link Iterable}, against the emulator over real sockets. */
class EventStreamIterationTest {

    private static final JsonNode HELLO = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Stream a greeting\"}");

    private Emulator emulator;
    private KeelClient client;

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder().build());
        client = KeelClient.builder(KeelClientConfig.builder("sk-test-event-stream", emulator.baseUrl())
                        .build())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    @Test
    void forEach_toTheEnd_yieldsEveryEventTerminalLast_andClosesItself() {
        EventStream s = client.responses().stream(HELLO, CallOptions.defaults());
        List<String> types = new ArrayList<>();
        for (JsonNode e : s) {
            types.add(e.path("type").asText());
        }
        assertThat(types).first().isEqualTo("response.created");
        assertThat(types).last().isEqualTo("response.completed");
        assertThat(types).contains("response.output_text.delta");
        assertThat(s.received()).isEqualTo(types.size());
        assertThat(client.inFlight().inUse())
                .as("closed by reaching the end: the permit is back")
                .isZero();
        assertThat(unmetered("abandoned")).isZero();
        assertThat(s.next()).as("after the end, nothing more").isNull();
    }

    @Test
    void forEach_leftEarly_staysOpenUntilTryWithResourcesClosesItAsAbandoned() {
        try (EventStream s = client.responses().stream(HELLO, CallOptions.defaults())) {
            for (JsonNode e : s) {
                assertThat(e.path("type").asText()).isEqualTo("response.created");
                break;
            }
            assertThat(client.inFlight().inUse())
                    .as("a loop left early does not close")
                    .isEqualTo(1);
        }
        assertThat(client.inFlight().inUse()).isZero();
        assertThat(unmetered("abandoned")).isEqualTo(1);
    }

    @Test
    void forEach_cutStream_throwsTruncated_andHasAlreadyGivenBackThePermit() {
        var call = HttpCall.postJson(
                        "/responses",
                        Json.writeBytes(Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"stream\":true}")))
                .withHeader(Emulator.FAULT_HEADER, "cut-stream:3")
                .asStream();
        EventStream s = EventStream.of(client.execute(call, CallOptions.defaults()), EventStream.Terminal.RESPONSES);
        List<JsonNode> seen = new ArrayList<>();
        assertThatThrownBy(() -> s.forEach(seen::add))
                .isInstanceOf(StreamTruncatedException.class)
                .satisfies(e -> assertThat(((StreamTruncatedException) e).eventsReceived())
                        .isEqualTo(3));
        assertThat(seen).hasSize(3);
        assertThat(client.inFlight().inUse()).isZero();
        assertThat(unmetered("truncated")).isEqualTo(1);
    }

    @Test
    void iterator_secondTime_isRefused() {
        try (EventStream s = client.responses().stream(HELLO, CallOptions.defaults())) {
            s.iterator();
            assertThatThrownBy(s::iterator)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("can be read only once");
        }
    }

    private double unmetered(String reason) {
        return client.meterRegistry()
                .get(MetricNames.COST_UNMETERED_STREAMS)
                .tag("reason", reason)
                .tag("traffic_class", "online")
                .counter()
                .count();
    }
}
