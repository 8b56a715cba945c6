package dev.keel.core.api;

import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelResponse;
import dev.keel.core.http.HttpCall;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** {@code /v1/files}: upload, retrieve, list, content, delete. Thread-safe. */
public final class Files {

    private final KeelClient client;

    public Files(KeelClient client) {
        this.client = client;
    }

    /** {@code POST /files} as multipart form data with {@code purpose} and the file. */
    public KeelResponse upload(String filename, byte[] content, String purpose, CallOptions options) {
        String boundary = "keel-" + UUID.randomUUID();
        var out = new ByteArrayOutputStream(content.length + 512);
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n");
        write(
                out,
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + filename.replace("\"", "") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        out.writeBytes(content);
        write(out, "\r\n--" + boundary + "--\r\n");
        var call = new HttpCall(
                "POST", "/files", Map.of(), "multipart/form-data; boundary=" + boundary, out.toByteArray(), false);
        return client.send(call, options);
    }

    public KeelResponse retrieve(String id, CallOptions options) {
        return client.send(HttpCall.get("/files/" + id), options);
    }

    /** {@code GET /files}, with a query such as {@code ?purpose=batch&limit=100}, or empty. */
    public KeelResponse list(String query, CallOptions options) {
        return client.send(HttpCall.get("/files" + query), options);
    }

    /** The file's bytes. */
    public KeelResponse content(String id, CallOptions options) {
        return client.send(HttpCall.get("/files/" + id + "/content"), options);
    }

    public KeelResponse delete(String id, CallOptions options) {
        return client.send(HttpCall.delete("/files/" + id), options);
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
