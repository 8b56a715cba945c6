package dev.keel.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.http.SseEvent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static SseReader reader(String text) {
        return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void next_namedAndUnnamedEventsCommentsAndMultilineData() throws Exception {
        var r = reader(
                ": keep-alive\nevent: response.created\ndata: {\"a\":1}\n\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n");
        assertThat(r.next()).isEqualTo(new SseEvent("response.created", "{\"a\":1}"));
        assertThat(r.next()).isEqualTo(new SseEvent(null, "line1\nline2"));
        assertThat(r.next().isDone()).isTrue();
        assertThat(r.next()).isNull();
    }

    @Test
    void next_eventWithoutItsBlankLine_isNotReturned() throws Exception {
        var r = reader("data: {\"complete\":true}\n\ndata: {\"cut\":");
        assertThat(r.next().data()).isEqualTo("{\"complete\":true}");
        assertThat(r.next()).isNull();
    }
}
