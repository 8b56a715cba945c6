package dev.keel.emulator.internal;

import dev.keel.emulator.RecordedRequest;
import io.javalin.http.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Keeps the most recent requests, oldest first, up to a capacity. Thread-safe. */
final class Recorder {

    private final int capacity;
    private final ArrayDeque<RecordedRequest> requests = new ArrayDeque<>();

    Recorder(int capacity) {
        this.capacity = capacity;
    }

    void record(Context ctx, String requestId) {
        if (capacity == 0) {
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(
                    name.toLowerCase(Locale.ROOT),
                    List.copyOf(Collections.list(ctx.req().getHeaders(name))));
        }
        String type = ctx.req().getContentType();
        String body = type != null && type.startsWith("multipart/") ? "<multipart>" : ctx.body();
        var r = new RecordedRequest(
                ctx.method().name(),
                ctx.path(),
                ctx.queryString() == null ? "" : ctx.queryString(),
                headers,
                body,
                requestId,
                ctx.req().getProtocol());
        synchronized (requests) {
            if (requests.size() == capacity) {
                requests.removeFirst();
            }
            requests.addLast(r);
        }
    }

    List<RecordedRequest> snapshot() {
        synchronized (requests) {
            return List.copyOf(new ArrayList<>(requests));
        }
    }

    void clear() {
        synchronized (requests) {
            requests.clear();
        }
    }
}
