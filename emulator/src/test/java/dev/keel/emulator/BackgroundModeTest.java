package dev.keel.emulator;

import static dev.keel.emulator.ResponseRoutesTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.testing.FakeClock;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code background: true} on a fake clock at speed 1: queued for 1 s, in progress for 2 s, then
 * the answer's own status; polling, cancelling, faults, and streams that follow the clock and resume
 * after a {@code sequence_number}.
 */
class BackgroundModeTest {

    private static final String BACKGROUND = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\",\"background\":true}";
    private static final String BACKGROUND_STREAM = Requests.streaming(BACKGROUND);

    private final FakeClock clock = new FakeClock();
    private Emulator emulator;
    private EmulatorHttp http;

    @BeforeEach
    void start() {
        emulator = Emulator.start(
                EmulatorConfig.builder().clock(clock).batchSpeed(1).build());
        http = new EmulatorHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void background_polled_movesQueuedInProgressCompletedOnTheClock() {
        JsonNode queued = ok(http.post("/responses", BACKGROUND));
        String id = queued.get("id").asText();
        assertThat(queued.get("status").asText()).isEqualTo("queued");
        assertThat(queued.get("background").asBoolean()).isTrue();
        assertThat(queued.get("output")).isEmpty();
        assertThat(queued.has("usage")).isFalse();
        assertThat(queued.get("completed_at").isNull()).isTrue();

        clock.advance(Duration.ofMillis(999));
        assertThat(status(id)).isEqualTo("queued");
        clock.advance(Duration.ofMillis(1));
        assertThat(status(id)).isEqualTo("in_progress");
        clock.advance(Duration.ofMillis(1999));
        assertThat(status(id)).isEqualTo("in_progress");
        clock.advance(Duration.ofMillis(1));
        JsonNode done = ok(http.get("/responses/" + id));

        JsonNode synchronous = ok(http.post("/responses", Requests.PLAIN));
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("background").asBoolean()).isTrue();
        assertThat(done.at("/output/0/content/0/text")).isEqualTo(synchronous.at("/output/0/content/0/text"));
        assertThat(done.at("/usage/input_tokens")).isEqualTo(synchronous.at("/usage/input_tokens"));
        assertThat(done.get("completed_at").isIntegralNumber()).isTrue();
    }

    @Test
    void background_cancelWhileQueuedOrInProgress_staysCancelled_andCancelAgainIsIdempotent() {
        String queued = ok(http.post("/responses", BACKGROUND)).get("id").asText();
        clock.advance(Duration.ofMillis(1500));
        String running = ok(http.post("/responses", BACKGROUND)).get("id").asText();
        clock.advance(Duration.ofMillis(1000)); // first in progress, second queued... first at 2.5 s
        assertThat(status(queued)).isEqualTo("in_progress");
        assertThat(status(running)).isEqualTo("in_progress");

        JsonNode cancelled = ok(http.post("/responses/" + queued + "/cancel", ""));
        clock.advance(Duration.ofSeconds(30));

        assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.get("output")).isEmpty();
        assertThat(status(queued)).isEqualTo("cancelled");
        assertThat(ok(http.post("/responses/" + queued + "/cancel", ""))
                        .get("status")
                        .asText())
                .isEqualTo("cancelled");
        assertThat(status(running)).isEqualTo("completed");
    }

    @Test
    void background_cancelWhileQueued_isCancelledBeforeItStarts() {
        String id = ok(http.post("/responses", BACKGROUND)).get("id").asText();

        assertThat(ok(http.post("/responses/" + id + "/cancel", ""))
                        .get("status")
                        .asText())
                .isEqualTo("cancelled");
        clock.advance(Duration.ofSeconds(5));
        assertThat(status(id)).isEqualTo("cancelled");
    }

    @Test
    void background_cancelAfterItFinished_returnsTheFinishedResponseUnchanged() {
        String id = ok(http.post("/responses", BACKGROUND)).get("id").asText();
        clock.advance(Duration.ofSeconds(3));
        JsonNode done = ok(http.get("/responses/" + id));

        JsonNode afterCancel = ok(http.post("/responses/" + id + "/cancel", ""));

        assertThat(afterCancel).isEqualTo(done);
        assertThat(afterCancel.get("status").asText()).isEqualTo("completed");
    }

    @Test
    void background_withStoreFalseOrNotBoolean_answers400() {
        JsonNode error = assertError(
                http.post("/responses", BACKGROUND.replace("}", ",\"store\":false}")),
                400,
                "invalid_request_error",
                "background",
                "invalid_value");
        assertThat(error.get("message").asText()).contains("store");
        assertError(
                http.post("/responses", BACKGROUND.replace("true", "\"yes\"")),
                400,
                "invalid_request_error",
                "background",
                "invalid_type");
    }

    @Test
    void background_serverErrorFault_isAcceptedThenEndsFailed_rateLimitFaultStillRefusesTheCreate() {
        JsonNode queued = ok(http.post("/responses", BACKGROUND, "x-keel-fault", "status:500"));
        clock.advance(Duration.ofSeconds(3));

        JsonNode failed = ok(http.get("/responses/" + queued.get("id").asText()));

        assertThat(queued.get("status").asText()).isEqualTo("queued");
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/error/code").asText()).isEqualTo("server_error");
        assertThat(failed.get("output")).isEmpty();
        assertThat(http.post("/responses", BACKGROUND, "x-keel-fault", "status:429")
                        .status())
                .isEqualTo(429);
    }

    @Test
    void background_incompleteSample_endsIncomplete() {
        String id = ok(http.post("/responses", BACKGROUND, "x-keel-fault", "bad-sample:incomplete"))
                .get("id")
                .asText();
        clock.advance(Duration.ofSeconds(3));

        JsonNode done = ok(http.get("/responses/" + id));

        assertThat(done.get("status").asText()).isEqualTo("incomplete");
        assertThat(done.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void backgroundStream_sendsEachEventWhenTheClockReachesIt_thenEveryEventInOrder() throws Exception {
        try (var lines = openStream(BACKGROUND_STREAM)) {
            List<JsonNode> events = new ArrayList<>(List.of(lines.next(), lines.next()));
            assertThat(types(events)).containsExactly("response.created", "response.queued");
            assertThat(events.get(0).at("/response/status").asText()).isEqualTo("queued");

            clock.advance(Duration.ofSeconds(3));
            events.addAll(lines.rest());

            assertThat(events.get(2).get("type").asText()).isEqualTo("response.in_progress");
            assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("response.completed");
            assertConsecutive(events, 0);
            JsonNode completed = events.get(events.size() - 1).get("response");
            assertThat(deltas(events))
                    .isEqualTo(completed.at("/output/0/content/0/text").asText());
            assertThat(ok(http.get("/responses/" + completed.get("id").asText())))
                    .isEqualTo(completed);
        }
    }

    @Test
    void backgroundStream_cancelledWhileWaiting_endsWithoutFurtherEvents() throws Exception {
        try (var lines = openStream(BACKGROUND_STREAM)) {
            JsonNode created = lines.next();
            String id = created.at("/response/id").asText();

            ok(http.post("/responses/" + id + "/cancel", ""));
            clock.advance(Duration.ofSeconds(10));
            List<JsonNode> rest = lines.rest();

            assertThat(types(rest)).containsExactly("response.queued");
            assertThat(status(id)).isEqualTo("cancelled");
        }
    }

    @Test
    void backgroundStream_cutThenResumedWithStartingAfter_deliversTheRestAndJoinsToTheAnswer() throws Exception {
        List<JsonNode> first = cutStream(BACKGROUND_STREAM, 2);
        assertThat(types(first)).containsExactly("response.created", "response.queued");
        String id = first.get(0).at("/response/id").asText();
        clock.advance(Duration.ofSeconds(3));

        var resumed = http.get("/responses/" + id + "?stream=true&starting_after=1");

        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.header("content-type")).startsWith("text/event-stream");
        List<JsonNode> rest = EmulatorHttp.events(resumed.body());
        assertThat(rest.get(0).get("type").asText()).isEqualTo("response.in_progress");
        assertConsecutive(rest, 2);
        var all = new ArrayList<>(first);
        all.addAll(rest);
        JsonNode completed = all.get(all.size() - 1).get("response");
        assertThat(all.get(all.size() - 1).get("type").asText()).isEqualTo("response.completed");
        assertThat(deltas(all))
                .isEqualTo(completed.at("/output/0/content/0/text").asText());
        var fromStart = EmulatorHttp.events(
                http.get("/responses/" + id + "?stream=true").body());
        assertThat(fromStart).isEqualTo(all);
    }

    @Test
    void retrieveStream_ofAResponseNotStreamedInBackground_orBadQuery_answers400() throws Exception {
        String synchronous =
                ok(http.post("/responses", Requests.PLAIN)).get("id").asText();
        String polled = ok(http.post("/responses", BACKGROUND)).get("id").asText();
        String streamed = ok(http.get("/responses/" + polled)).get("id").asText();

        assertError(
                http.get("/responses/" + synchronous + "?stream=true"),
                400,
                "invalid_request_error",
                "stream",
                "invalid_value");
        assertError(
                http.get("/responses/" + polled + "?stream=true"),
                400,
                "invalid_request_error",
                "stream",
                "invalid_value");
        assertError(http.get("/responses/resp_missing?stream=true"), 404, "invalid_request_error", "response_id", null);
        assertError(
                http.get("/responses/" + streamed + "?stream=maybe"),
                400,
                "invalid_request_error",
                "stream",
                "invalid_type");
        String live = cutStream(BACKGROUND_STREAM, 1).get(0).at("/response/id").asText();
        assertError(
                http.get("/responses/" + live + "?stream=true&starting_after=two"),
                400,
                "invalid_request_error",
                "starting_after",
                "invalid_type");
    }

    @Test
    void delete_backgroundResponse_goneFromPollAndCancel() {
        String id = ok(http.post("/responses", BACKGROUND)).get("id").asText();

        assertThat(ok(http.delete("/responses/" + id)).get("deleted").asBoolean())
                .isTrue();

        assertError(http.get("/responses/" + id), 404, "invalid_request_error", "response_id", null);
        assertError(http.post("/responses/" + id + "/cancel", ""), 404, "invalid_request_error", "response_id", null);
    }

    /** Sends {@code body} with a cut-stream fault over a raw socket and returns the events that came. */
    private List<JsonNode> cutStream(String body, int after) throws Exception {
        String wire;
        try (var socket = new Socket("127.0.0.1", emulator.port())) {
            socket.setSoTimeout(10_000);
            String request = "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-x\r\n"
                    + "x-keel-fault: cut-stream:" + after + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            wire = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        return wire.lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> Json.parse(l.substring("data: ".length())))
                .toList();
    }

    /** The events of a stream as they arrive, read line by line. */
    private final class Lines implements AutoCloseable {
        private final java.util.Iterator<String> lines;
        private final java.util.stream.Stream<String> stream;

        Lines(java.util.stream.Stream<String> stream) {
            this.stream = stream;
            this.lines = stream.iterator();
        }

        JsonNode next() {
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data: ")) {
                    return Json.parse(line.substring("data: ".length()));
                }
            }
            throw new AssertionError("the stream ended before the next event");
        }

        List<JsonNode> rest() {
            var out = new ArrayList<JsonNode>();
            lines.forEachRemaining(line -> {
                if (line.startsWith("data: ")) {
                    out.add(Json.parse(line.substring("data: ".length())));
                }
            });
            return out;
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    private Lines openStream(String body) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> response = http.client()
                .send(
                        http.request("/responses")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        return new Lines(response.body());
    }

    private static void assertConsecutive(List<JsonNode> events, int from) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("sequence_number").asInt())
                    .as("event %d", i)
                    .isEqualTo(from + i);
        }
    }

    private static String deltas(List<JsonNode> events) {
        return events.stream()
                .filter(e -> e.get("type").asText().equals("response.output_text.delta"))
                .map(e -> e.get("delta").asText())
                .collect(Collectors.joining());
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    private String status(String id) {
        return ok(http.get("/responses/" + id)).get("status").asText();
    }

    private static JsonNode ok(EmulatorHttp.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }
}
