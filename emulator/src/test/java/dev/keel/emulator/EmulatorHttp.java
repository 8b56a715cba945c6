package dev.keel.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain HTTP client for emulator tests (the JDK's, so no keel client code is under test here):
 * JSON in, status and body out. Thread-safe.
 */
final class EmulatorHttp {

    static final String KEY = "sk-test-emulator";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI baseUrl;

    EmulatorHttp(Emulator emulator) {
        this(emulator.baseUrl());
    }

    /** For an emulator in another process: its base URL, {@code http://127.0.0.1:PORT/v1}. */
    EmulatorHttp(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A response as text. */
    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            return Json.parse(body);
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Reply post(String path, Object body, String... headers) {
        String json = body instanceof String s ? s : Json.write(body);
        return send(request(path, headers)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"));
    }

    Reply get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    Reply delete(String path) {
        return send(request(path).DELETE());
    }

    /** Uploads {@code content} as multipart form data with the given fields. */
    Reply upload(String filename, byte[] content, String... fields) {
        String boundary = "keelboundary" + System.nanoTime();
        var out = new ByteArrayOutputStream();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            write(
                    out,
                    "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n"
                            + fields[i + 1] + "\r\n");
        }
        write(
                out,
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        out.writeBytes(content);
        write(out, "\r\n--" + boundary + "--\r\n");
        return send(request("/files")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }

    /** The events of a server-sent-event stream, parsed from its {@code data:} lines (without {@code [DONE]}). */
    static List<JsonNode> events(String body) {
        var events = new ArrayList<JsonNode>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                events.add(Json.parse(line.substring("data: ".length())));
            }
        }
        return events;
    }

    HttpRequest.Builder request(String path, String... headers) {
        var b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + KEY);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    HttpClient client() {
        return client;
    }

    private Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
