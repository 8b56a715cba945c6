package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes server-sent events, flushing each one, and can stop after a number of events and drop the
 * connection (the cut-stream fault). Stateless.
 */
final class EventStream {

    private EventStream() {}

    /**
     * Sends {@code events}; with {@code named}, each gets an {@code event:} line (Responses style);
     * {@code done} appends {@code data: [DONE]} (Chat Completions style).
     *
     * @param cutAfter drop the connection after this many events; negative for never
     */
    static void send(Context ctx, List<ObjectNode> events, boolean named, boolean done, int cutAfter)
            throws IOException {
        ctx.status(200);
        ctx.contentType("text/event-stream; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        OutputStream out = ctx.res().getOutputStream();
        for (int i = 0; i < events.size(); i++) {
            if (i == cutAfter) {
                out.flush();
                Connections.drop(ctx);
                return;
            }
            ObjectNode e = events.get(i);
            String frame = (named ? "event: " + e.get("type").asText() + "\n" : "") + "data: " + Json.write(e) + "\n\n";
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        if (done) {
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }
}
