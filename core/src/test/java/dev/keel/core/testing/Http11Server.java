package dev.keel.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real third-party server for tests: the JDK's {@code com.sun.net.httpserver.HttpServer}, which
 * speaks HTTP/1.1 only (an HTTP/2 preface is not a request to it), on a free loopback port. It
 * answers each request with the next scripted {@link Answer} (the last one repeats) and records what
 * it received. Stands in for vLLM, Ollama, LiteLLM or WireMock: an OpenAI-compatible server that is
 * not keel's emulator. Thread-safe; close it after use.
 */
public final class Http11Server implements AutoCloseable {

    /** One scripted answer: status, content type (null for none), body and extra headers. */
    public record Answer(int status, String contentType, String body, Map<String, String> headers) {
        public static Answer json(int status, String body) {
            return new Answer(status, "application/json", body, Map.of());
        }

        public Answer withHeaders(Map<String, String> more) {
            return new Answer(status, contentType, body, more);
        }
    }

    /** A request as the server saw it. */
    public record Seen(String method, String path, String protocol, Map<String, List<String>> headers, String body) {}

    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private Http11Server(List<Answer> answers) throws IOException {
        script.addAll(answers);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a server answering with {@code answers} in order, the last one repeating. */
    public static Http11Server start(Answer... answers) {
        if (answers.length == 0) {
            throw new IllegalArgumentException("script at least one answer");
        }
        try {
            return new Http11Server(List.of(answers));
        } catch (IOException e) {
            throw new IllegalStateException("could not start the HTTP/1.1 test server: " + e.getMessage(), e);
        }
    }

    /** {@code http://127.0.0.1:PORT/v1}: where an OpenAI client's base URL points. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    /** The requests received, in order. */
    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    private synchronized Answer next() {
        return script.size() > 1 ? script.poll() : script.peek();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(
                    ex.getRequestMethod(),
                    ex.getRequestURI().toString(),
                    ex.getProtocol(),
                    Map.copyOf(ex.getRequestHeaders()),
                    body));
            Answer a = next();
            if (a.contentType() != null) {
                ex.getResponseHeaders().set("Content-Type", a.contentType());
            }
            a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
