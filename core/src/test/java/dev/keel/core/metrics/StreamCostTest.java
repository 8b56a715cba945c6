package dev.keel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.api.EventStream;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.Rates;
import dev.keel.core.error.StreamTruncatedException;
import dev.keel.core.http.HttpCall;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streamed answers in {@code cost_usd_total}, through {@link KeelClient} against the emulator over
 * real sockets: each priced exactly once from the usage its terminal event reports, and a stream
 * that brings no usage counted in {@code cost_unmetered_streams_total} instead.
 */
class StreamCostTest {

    private static final PriceTable PRICES = PriceTable.builtIn();
    private static final JsonNode MINI = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Stream a greeting\"}");

    private Emulator emulator;
    private KeelClient client;
    private MeterRegistry registry;

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder().build());
        client = KeelClient.builder(KeelClientConfig.builder("sk-test-stream-cost", emulator.baseUrl())
                        .build())
                .build();
        registry = client.meterRegistry();
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    @Test
    void responsesStreams_completedAndIncomplete_addExactlyTheirTerminalUsageTimesPrice() {
        var terminals = new ArrayList<JsonNode>();
        terminals.add(readAll(MINI));
        terminals.add(readAll(Json.parse("{\"model\":\"gpt-4.1-mini-2025-04-14\",\"input\":\"Another one\"}")));
        terminals.add(readAll(Json.parse("{\"model\":\"gpt-4o\",\"input\":\"A longer greeting, please\"}")));
        terminals.add(
                readAll(Json.parse("{\"model\":\"gpt-4o\",\"input\":\"Cut me short\",\"max_output_tokens\":16}")));
        double bufferedMini = usd(
                "gpt-4.1-mini",
                client.responses().create(MINI, CallOptions.defaults()).json());

        assertThat(terminals.stream().map(t -> t.get("type").asText()))
                .containsExactly(
                        "response.completed", "response.completed", "response.completed", "response.incomplete");
        double mini = usd("gpt-4.1-mini", terminals.get(0).get("response"))
                + usd("gpt-4.1-mini", terminals.get(1).get("response"))
                + bufferedMini;
        double gpt4o = usd("gpt-4o", terminals.get(2).get("response"))
                + usd("gpt-4o", terminals.get(3).get("response"));
        assertThat(mini).isPositive();
        assertThat(gpt4o).isPositive();
        assertThat(costUsd("gpt-4.1-mini")).isCloseTo(mini, within(1e-12));
        assertThat(costUsd("gpt-4o")).isCloseTo(gpt4o, within(1e-12));
        assertThat(unmetered("truncated") + unmetered("abandoned") + unmetered("no_usage"))
                .isZero();
    }

    @Test
    void responsesStream_readPastItsEndAndClosedTwice_isCountedOnce() {
        JsonNode terminal;
        EventStream s = client.responses().stream(MINI, CallOptions.defaults());
        try (s) {
            terminal = last(s);
            assertThat(s.next()).isNull();
            assertThat(s.next()).isNull();
        }
        s.close();
        assertThat(s.next()).as("a finished stream stays finished after close").isNull();

        assertThat(costUsd("gpt-4.1-mini")).isCloseTo(usd("gpt-4.1-mini", terminal.get("response")), within(1e-12));
        assertThat(unmetered("abandoned")).isZero();
    }

    @Test
    void responsesStream_cutBeforeItsTerminalEvent_costsNothing_andCountsOneTruncatedStream() {
        var call = HttpCall.postJson(
                        "/responses",
                        Json.writeBytes(Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"x\",\"stream\":true}")))
                .withHeader(Emulator.FAULT_HEADER, "cut-stream:3")
                .asStream();
        EventStream s = EventStream.of(client.execute(call, CallOptions.defaults()), EventStream.Terminal.RESPONSES);
        try (s) {
            assertThat(s.next()).isNotNull();
            assertThatThrownBy(() -> last(s)).isInstanceOf(StreamTruncatedException.class);
            assertThatThrownBy(s::next)
                    .as("a cut stream stays cut")
                    .isInstanceOf(StreamTruncatedException.class)
                    .satisfies(e -> assertThat(((StreamTruncatedException) e).eventsReceived())
                            .isEqualTo(3));
        }
        s.close();

        assertThat(registry.find(MetricNames.COST_USD).counters()).isEmpty();
        assertThat(unmetered("truncated")).isEqualTo(1);
        assertThat(unmetered("abandoned")).isZero();
    }

    @Test
    void responsesStream_closedBeforeItsTerminalEvent_costsNothing_andCountsOneAbandonedStream() {
        EventStream s = client.responses().stream(MINI, CallOptions.defaults());
        try (s) {
            assertThat(s.next().get("type").asText()).isEqualTo("response.created");
            assertThat(s.next().get("type").asText()).isEqualTo("response.in_progress");
        }
        s.close();
        assertThatThrownBy(s::next)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed after 2 event(s), before its terminal event");

        assertThat(registry.find(MetricNames.COST_USD).counters()).isEmpty();
        assertThat(unmetered("abandoned")).isEqualTo(1);
        assertThat(unmetered("truncated")).isZero();
        assertThat(client.inFlight().inUse()).as("the permit is back").isZero();
    }

    @Test
    void chatStream_withIncludeUsage_isPricedFromItsFinalUsageChunk() {
        var chunks = chat("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        JsonNode usageChunk = chunks.get(chunks.size() - 1);
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(chunks.subList(0, chunks.size() - 1))
                .as("the other chunks carry usage null, as the API sends them")
                .allSatisfy(c -> assertThat(c.get("usage").isNull()).isTrue());
        assertThat(costUsd("gpt-4o-mini")).isCloseTo(usd("gpt-4o-mini", usageChunk), within(1e-12));
        assertThat(unmetered("no_usage")).isZero();
    }

    @Test
    void chatStream_withoutIncludeUsage_isSentUnchanged_andCountsNoUsage() {
        var body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true}";
        var chunks = chat(body);

        assertThat(chunks)
                .isNotEmpty()
                .noneSatisfy(c -> assertThat(c.has("usage")).isTrue());
        assertThat(emulator.requests("POST", "/v1/chat/completions"))
                .singleElement()
                .satisfies(r -> assertThat(Json.parse(r.body())).isEqualTo(Json.parse(body)));
        assertThat(registry.find(MetricNames.COST_USD).counters()).isEmpty();
        assertThat(unmetered("no_usage")).isEqualTo(1);
    }

    /** Streams {@code body} to its end and returns the terminal event. */
    private JsonNode readAll(JsonNode body) {
        try (EventStream s = client.responses().stream(body, CallOptions.defaults())) {
            return last(s);
        }
    }

    private static JsonNode last(EventStream s) {
        JsonNode last = null;
        for (JsonNode e = s.next(); e != null; e = s.next()) {
            last = e;
        }
        return last;
    }

    private List<JsonNode> chat(String body) {
        var call = HttpCall.postJson("/chat/completions", Json.writeBytes(Json.parse(body)))
                .asStream();
        var chunks = new ArrayList<JsonNode>();
        try (var s = EventStream.of(client.execute(call, CallOptions.defaults()), EventStream.Terminal.CHAT)) {
            for (JsonNode c = s.next(); c != null; c = s.next()) {
                chunks.add(c);
            }
        }
        return chunks;
    }

    /** What {@code answer}'s usage costs at {@code pricedAs}'s sync rates, computed from the table's rates. */
    private static double usd(String pricedAs, JsonNode answer) {
        Rates r = PRICES.find(pricedAs).orElseThrow().rates(PriceTier.STANDARD);
        JsonNode u = answer.get("usage");
        boolean responses = u.has("input_tokens");
        long input = u.get(responses ? "input_tokens" : "prompt_tokens").asLong();
        long cached = u.get(responses ? "input_tokens_details" : "prompt_tokens_details")
                .get("cached_tokens")
                .asLong();
        long output = u.get(responses ? "output_tokens" : "completion_tokens").asLong();
        assertThat(input).isPositive();
        assertThat(output).isPositive();
        return ((input - cached) * r.input().doubleValue()
                        + cached * r.cachedInput().doubleValue()
                        + output * r.output().doubleValue())
                / 1e6;
    }

    private double costUsd(String model) {
        return registry.get(MetricNames.COST_USD)
                .tag("model", model)
                .tag("tier", "standard")
                .tag("traffic_class", "online")
                .counter()
                .count();
    }

    private double unmetered(String reason) {
        return registry.get(MetricNames.COST_UNMETERED_STREAMS)
                .tag("reason", reason)
                .tag("traffic_class", "online")
                .counter()
                .count();
    }
}
