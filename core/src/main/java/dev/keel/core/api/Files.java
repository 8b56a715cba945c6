package dev.keel.core.api;

import dev.keel.core.CallOptions;
import dev.keel.core.KeelResponse;
import dev.keel.core.http.HttpCall;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** {@code /v1/files}: upload, retrieve, list, content, delete. Thread-safe. */
public final class Files {

    private final Caller client;

    public Files(Caller client) {
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

    /** {@code GET /files}: one page, e.g. {@code list(FileListParams.all().withPurpose("batch"), options)}. */
    public KeelResponse list(FileListParams params, CallOptions options) {
        return client.send(HttpCall.get("/files" + params.query()), options);
    }

    /**
     * Every file {@code params} selects, page after page ({@code has_more}/{@code after}) as iteration
     * reaches them, at most {@link ListPages#DEFAULT_MAX_PAGES} pages.
     */
    public ListPages listAll(FileListParams params, CallOptions options) {
        return listAll(params, options, ListPages.DEFAULT_MAX_PAGES);
    }

    /** As {@link #listAll(FileListParams, CallOptions)}, reading at most {@code maxPages} pages. */
    public ListPages listAll(FileListParams params, CallOptions options, int maxPages) {
        return new ListPages(
                "GET /files" + params.withAfter(null).query(),
                after -> list(params.withAfter(after), options),
                params.after(),
                maxPages);
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
