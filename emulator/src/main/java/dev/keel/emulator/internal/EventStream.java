package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * Writes server-sent events, flushing each one, and can stop after a number of events and drop the
 * connection (the cut-stream fault). Stateless.
 */
final class EventStream {

    /** How long after the last event an HTTP/2 cut resets the stream. */
    static final Duration H2_RESET_GRACE = Duration.ofMillis(50);

    private EventStream() {}

    /** Waits before an event is sent; false ends the stream there (cleanly). */
    @FunctionalInterface
    interface Pacer {
        Pacer NONE = index -> true;

        /** Blocks until event {@code index} (of the list being sent) may go; false when it never will. */
        boolean await(int index);
    }

    /**
     * Sends {@code events}; with {@code named}, each gets an {@code event:} line (Responses style);
     * {@code done} appends {@code data: [DONE]} (Chat Completions style).
     *
     * @param cutAfter drop the connection after this many events; negative for never
     */
    static void send(Context ctx, List<ObjectNode> events, boolean named, boolean done, int cutAfter)
            throws IOException {
        send(ctx, events, named, done, cutAfter, Pacer.NONE);
    }

    /** As {@link #send(Context, List, boolean, boolean, int)}, asking {@code pacer} before each event. */
    static void send(Context ctx, List<ObjectNode> events, boolean named, boolean done, int cutAfter, Pacer pacer)
            throws IOException {
        ctx.status(200);
        ctx.contentType("text/event-stream; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        if (cutAfter >= 0 && cutAfter < events.size()) {
            sendThenCut(ctx, events.subList(0, cutAfter), named, pacer);
            return;
        }
        OutputStream out = ctx.res().getOutputStream();
        if (pacer != Pacer.NONE) {
            out.flush(); // the headers go at once, so a client sees the stream open while it waits
        }
        for (int i = 0; i < events.size(); i++) {
            if (!pacer.await(i)) {
                break;
            }
            out.write(frame(events.get(i), named));
            out.flush();
        }
        if (done) {
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }

    /**
     * Writes {@code events} through Jetty's core response, waiting until each is on the wire, then
     * cuts the stream (RST_STREAM on HTTP/2, a closed connection on HTTP/1.1). Going below the
     * servlet layer is what guarantees the client receives exactly these events before the cut.
     */
    private static void sendThenCut(Context ctx, List<ObjectNode> events, boolean named, Pacer pacer)
            throws IOException {
        var channel = ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel();
        Response response = channel.getResponse();
        for (int i = 0; i < events.size(); i++) {
            if (!pacer.await(i)) {
                break;
            }
            try (Blocker.Callback written = Blocker.callback()) {
                response.write(false, ByteBuffer.wrap(frame(events.get(i), named)), written);
                written.block();
            }
        }
        if (ctx.req().getProtocol().startsWith("HTTP/2")) {
            // An HTTP/2 client may discard DATA it has not yet handed to the application when the
            // stream is reset, so the reset follows the last event after a short grace. The handler
            // thread waits it out: completing an async response after an abort makes Javalin loop.
            awaitGrace();
            channel.abort(new IOException("keel emulator: cut-stream fault"));
        } else {
            channel.getEndPoint().close();
        }
    }

    private static void awaitGrace() throws IOException {
        try {
            TimeUnit.MILLISECONDS.sleep(H2_RESET_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted before the cut", e);
        }
    }

    private static byte[] frame(ObjectNode e, boolean named) {
        String text = (named ? "event: " + e.get("type").asText() + "\n" : "") + "data: " + Json.write(e) + "\n\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
