package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.api.EventStream;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.PoolConfig;
import dev.keel.core.testing.Http11Server;
import dev.keel.core.testing.Http11Server.Answer;
import dev.keel.wire.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * keel's client against a real OpenAI-compatible server that is not keel's emulator: the JDK's
 * HTTP/1.1-only {@code HttpServer}, as vLLM, Ollama, LiteLLM or WireMock would be. Cleartext works
 * with no flag; errors keep what the server said; a stream answered with JSON says so.
 */
class ThirdPartyServerTest {

    private static final JsonNode HELLO = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}");
    private static final String RESPONSE = "{\"id\":\"resp_1\",\"object\":\"response\",\"model\":\"gpt-4.1-mini\","
            + "\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"output_text\",\"text\":\"Hello from HTTP/1.1\"}]}],"
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"total_tokens\":7}}";

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private Http11Server server(Answer... answers) {
        var s = Http11Server.start(answers);
        open.add(s);
        return s;
    }

    private KeelClient client(Http11Server server, PoolConfig pool) {
        var c = KeelClient.builder(KeelClientConfig.builder("sk-local", server.baseUrl())
                        .pool(pool)
                        .build())
                .build();
        open.add(c);
        return c;
    }

    private KeelClient client(Http11Server server) {
        return client(server, PoolConfig.ofDefaults());
    }

    @Test
    void create_http11OnlyServerWithDefaults_answersOverHttp11AndKeepsTheHeaders() {
        var server = server(Answer.json(200, RESPONSE)
                .withHeaders(Map.of("x-request-id", "req_third", "x-ratelimit-remaining-requests", "59")));
        KeelResponse r = client(server).responses().create(HELLO, CallOptions.defaults());
        assertThat(r.json().at("/output/0/content/0/text").asText()).isEqualTo("Hello from HTTP/1.1");
        assertThat(r.protocol()).isEqualTo("HTTP/1.1");
        assertThat(server.requests()).singleElement().satisfies(seen -> {
            assertThat(seen.protocol()).isEqualTo("HTTP/1.1");
            assertThat(seen.path()).isEqualTo("/v1/responses");
        });
        assertThat(r.requestId()).isEqualTo("req_third");
        assertThat(r.header("X-RateLimit-Remaining-Requests")).isEqualTo("59");
        assertThat(r.headers()).containsKey("x-ratelimit-remaining-requests");
    }

    @Test
    void create_h2cConfiguredForAnHttp11OnlyServer_fails() {
        var server = server(Answer.json(200, RESPONSE));
        var client = client(server, PoolConfig.ofDefaults().withH2c(true));
        assertThatThrownBy(() -> client.responses().create(HELLO, CallOptions.defaults()))
                .as("h2c prior knowledge is what broke every cleartext server before; it is opt-in now")
                .isInstanceOf(KeelException.class);
    }

    @Test
    void create_problemJson422_keepsTheBodyAndShowsItsDetail() {
        String problem = "{\"type\":\"https://example.com/probs/bad-input\",\"title\":\"Unprocessable Entity\","
                + "\"status\":422,\"detail\":\"field 'input' must not be empty\"}";
        var server = server(new Answer(422, "application/problem+json", problem, Map.of("x-request-id", "req_p")));
        assertThatThrownBy(() -> client(server).responses().create(HELLO, CallOptions.defaults()))
                .isInstanceOfSatisfying(KeelException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.getMessage())
                            .isEqualTo("POST /responses: HTTP 422: Unprocessable Entity: field 'input' must not be"
                                    + " empty (request req_p)")
                            .doesNotContain("(no message)");
                    assertThat(e.rawBody()).isEqualTo(problem);
                    assertThat(e.upstreamError().openAiShaped()).isFalse();
                    assertThat(e.errorMessage()).isEqualTo("Unprocessable Entity: field 'input' must not be empty");
                    assertThat(e.header("content-type")).isEqualTo("application/problem+json");
                    assertThat(e.requestId()).isEqualTo("req_p");
                });
    }

    @Test
    void create_plainText400_showsTheStartOfTheBody() {
        var server = server(new Answer(400, "text/plain", "model 'gpt-4.1-mini' is not loaded\n", Map.of()));
        assertThatThrownBy(() -> client(server).responses().create(HELLO, CallOptions.defaults()))
                .isInstanceOfSatisfying(KeelException.class, e -> {
                    assertThat(e.getMessage())
                            .isEqualTo("POST /responses: HTTP 400: model 'gpt-4.1-mini' is not loaded");
                    assertThat(e.rawBody()).isEqualTo("model 'gpt-4.1-mini' is not loaded\n");
                    assertThat(e.errorMessage()).isNull();
                });
    }

    @Test
    void create_longNonJsonBody_isShownCutAndKeptBounded() {
        String page = "<html>" + "x".repeat(20_000) + "</html>";
        var server = server(new Answer(400, "text/html", page, Map.of()));
        assertThatThrownBy(() -> client(server).responses().create(HELLO, CallOptions.defaults()))
                .isInstanceOfSatisfying(KeelException.class, e -> {
                    assertThat(e.getMessage())
                            .startsWith("POST /responses: HTTP 400: <html>xxx")
                            .endsWith("…");
                    assertThat(e.getMessage().length()).isLessThan(300);
                    assertThat(e.rawBody()).hasSize(8192).startsWith("<html>");
                });
    }

    @Test
    void create_openAiError_keepsMessageTypeParamCodeAndTheRateLimitHeaders() {
        String body = "{\"error\":{\"message\":\"Invalid value for 'temperature'.\",\"type\":\"invalid_request_error\","
                + "\"param\":\"temperature\",\"code\":\"invalid_value\"}}";
        var server = server(Answer.json(400, body)
                .withHeaders(Map.of(
                        "x-request-id", "req_oa",
                        "x-ratelimit-limit-requests", "60",
                        "x-ratelimit-remaining-tokens", "149000")));
        assertThatThrownBy(() -> client(server).responses().create(HELLO, CallOptions.defaults()))
                .isInstanceOfSatisfying(KeelException.class, e -> {
                    assertThat(e.getMessage())
                            .isEqualTo("POST /responses: HTTP 400 invalid_value: Invalid value for 'temperature'."
                                    + " [type=invalid_request_error, param=temperature] (request req_oa)");
                    assertThat(e.errorMessage()).isEqualTo("Invalid value for 'temperature'.");
                    assertThat(e.errorType()).isEqualTo("invalid_request_error");
                    assertThat(e.errorParam()).isEqualTo("temperature");
                    assertThat(e.errorCode()).isEqualTo("invalid_value");
                    assertThat(e.upstreamError().openAiShaped()).isTrue();
                    assertThat(e.rawBody()).isEqualTo(body);
                    assertThat(e.header("x-ratelimit-limit-requests")).isEqualTo("60");
                    assertThat(e.header("X-RateLimit-Remaining-Tokens")).isEqualTo("149000");
                    assertThat(e.attempts()).isEqualTo(1);
                });
    }

    @Test
    void create_emptyBody422_saysTheBodyWasEmpty() {
        var server = server(new Answer(422, null, "", Map.of()));
        assertThatThrownBy(() -> client(server).responses().create(HELLO, CallOptions.defaults()))
                .isInstanceOfSatisfying(KeelException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("POST /responses: HTTP 422: (empty body)");
                    assertThat(e.rawBody()).isNull();
                    assertThat(e.errorMessage()).isNull();
                });
    }

    @Test
    void stream_answeredWithJsonError_saysTheServerAnsweredWithoutStreaming() {
        String body = "{\"error\":{\"message\":\"streaming is not supported by this deployment\","
                + "\"type\":\"invalid_request_error\",\"code\":\"unsupported_parameter\"}}";
        var server = server(Answer.json(200, body));
        var client = client(server);
        assertThatThrownBy(() -> client.responses().stream(HELLO, CallOptions.defaults()))
                .isInstanceOfSatisfying(KeelException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.MALFORMED_RESPONSE);
                    assertThat(e.getMessage())
                            .contains("the server answered without streaming (HTTP 200, content-type application/json")
                            .contains("unsupported_parameter: streaming is not supported by this deployment")
                            .doesNotContain("truncated", "0 event");
                    assertThat(e.errorCode()).isEqualTo("unsupported_parameter");
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThat(client.inFlight().inUse()).as("the permit was given back").isZero();
    }

    @Test
    void stream_answeredWithAWholeResponse_saysTheServerAnsweredWithoutStreaming() {
        var server = server(Answer.json(200, RESPONSE));
        assertThatThrownBy(() -> client(server).responses().stream(HELLO, CallOptions.defaults()))
                .isInstanceOfSatisfying(
                        KeelException.class,
                        e -> assertThat(e.getMessage())
                                .contains("the server answered without streaming")
                                .contains("call without stream"));
    }

    @Test
    void stream_realEventStreamOverHttp11_readsToTheTerminalEvent() {
        String sse = "event: response.created\ndata: {\"type\":\"response.created\"}\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":" + RESPONSE
                + "}\n\n";
        var server = server(new Answer(200, "text/event-stream; charset=utf-8", sse, Map.of()));
        List<String> types = new ArrayList<>();
        try (EventStream s = client(server).responses().stream(HELLO, CallOptions.defaults())) {
            for (JsonNode e = s.next(); e != null; e = s.next()) {
                types.add(e.path("type").asText());
            }
        }
        assertThat(types).containsExactly("response.created", "response.completed");
    }
}
