package dev.keel.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.error.StreamTruncatedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream watcher: bytes pass through unchanged; each way a stream ends is reported once. */
class SseMeterTest {

    private final List<StreamOutcome> outcomes = new ArrayList<>();

    private SseMeter meter(String body, boolean chat) {
        InputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
        var result =
                new HttpResult(200, Map.of(), new byte[0], in, "HTTP/1.1", null, 1, null).withStreamEnd(outcomes::add);
        return new SseMeter(result, chat);
    }

    private static final String RESPONSES = "data: {\"type\":\"response.created\"}\n\n"
            + "data: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\r\n\r\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":"
            + "{\"model\":\"gpt-4o-mini\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n";

    @Test
    void responsesStream_readToTheEnd_passesBytesThrough_andFinishesWithTheBilledResponse() throws IOException {
        byte[] read;
        SseMeter meter;
        try (SseMeter m = meter(RESPONSES, false)) {
            meter = m;
            assertThat(m.outcome()).as("not ended before it is read").isNull();
            read = m.readAllBytes();
        }
        assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo(RESPONSES);
        assertThat(meter.outcome()).as("the reader can ask how it ended").isSameAs(outcomes.get(0));
        assertThat(outcomes).singleElement().isInstanceOfSatisfying(StreamOutcome.Finished.class, f -> {
            assertThat(f.events()).isEqualTo(3);
            assertThat(f.billed().path("usage").path("input_tokens").asInt()).isEqualTo(3);
        });
    }

    @Test
    void chatStream_doneAfterAUsageChunk_finishesWithThatChunk() throws IOException {
        String chat = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                + "data: {\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":2}}\n\n"
                + "data: [DONE]\n\n";
        try (SseMeter m = meter(chat, true)) {
            m.readAllBytes();
        }
        assertThat(outcomes)
                .singleElement()
                .isInstanceOfSatisfying(
                        StreamOutcome.Finished.class,
                        f -> assertThat(f.billed()
                                        .path("usage")
                                        .path("prompt_tokens")
                                        .asInt())
                                .isEqualTo(2));
    }

    @Test
    void streamEndingBeforeItsTerminalEvent_failsTheRead_withStreamTruncatedAsCause() {
        SseMeter m =
                meter("data: {\"type\":\"response.created\"}\n\ndata: {\"type\":\"response.in_progress\"}\n\n", false);

        assertThatThrownBy(m::readAllBytes)
                .isInstanceOf(IOException.class)
                .hasCauseInstanceOf(StreamTruncatedException.class);
        assertThatThrownBy(m::read).as("once cut, it stays cut").isInstanceOf(IOException.class);
        m.close();
        assertThat(outcomes)
                .singleElement()
                .isInstanceOfSatisfying(
                        StreamOutcome.Truncated.class,
                        t -> assertThat(t.events()).isEqualTo(2));
    }

    @Test
    void closedBeforeTheTerminalEvent_isAbandoned() throws IOException {
        SseMeter m = meter(RESPONSES, false);
        m.readNBytes(10);
        m.close();
        assertThat(outcomes).singleElement().isInstanceOf(StreamOutcome.Abandoned.class);
    }

    @Test
    void malformedEvent_isPassedThrough_andTheStreamStillEndsByItsTerminalEvent() throws IOException {
        String body = "data: {not json\n\n" + RESPONSES;
        byte[] read;
        try (SseMeter m = meter(body, false)) {
            read = m.readAllBytes();
        }
        assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(outcomes).singleElement().isInstanceOf(StreamOutcome.Finished.class);
    }
}
