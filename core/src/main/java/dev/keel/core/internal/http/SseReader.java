package dev.keel.core.internal.http;

import dev.keel.core.http.SseEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a byte stream per the HTML living standard's rules: {@code event:}
 * and {@code data:} fields, multi-line data joined by newlines, comments ({@code :}) ignored, an
 * event dispatched at a blank line. Not thread-safe.
 */
public final class SseReader implements AutoCloseable {

    private final BufferedReader reader;

    public SseReader(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /**
     * The next event, or null at a clean end of the stream.
     *
     * @throws IOException when the stream breaks; an event cut off mid-way is not returned
     */
    public SseEvent next() throws IOException {
        String event = null;
        StringBuilder data = null;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new SseEvent(event, data.toString());
                }
                event = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" ->
                    data = data == null
                            ? new StringBuilder(value)
                            : data.append('\n').append(value);
                default -> {}
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
