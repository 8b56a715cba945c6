package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.UPSTREAM_KEY;
import static dev.keel.gateway.GatewayFixture.issue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own HTTP server (Jetty's core API): both protocols on one port, a buffered answer
 * with its length (never chunked), the routes and their 404s, and the body timeout on each protocol.
 * Real sockets to the gateway in front of the emulator; every expectation here held on the earlier
 * Javalin/servlet server too.
 */
class GatewayServerTest {

    private static final String HELLO = "{\"model\":\"gpt-4.1-mini\",\"input\":\"Say hello\"}";

    private static Emulator emulator;
    private static Gateway gateway;
    private static GatewayFixture.Issued alice;
    private static HttpClient h2c;

    @BeforeAll
    static void start() throws Exception {
        emulator = Emulator.start(
                EmulatorConfig.builder().requiredKey(UPSTREAM_KEY).build());
        alice = issue("alice", KeyLimits.NONE);
        gateway = GatewayFixture.start(
                emulator,
                GatewayKeys.of(List.of(alice.key())),
                GatewaySettings.ofDefaults().withPort(0).withBodyTimeout(Duration.ofMillis(700)),
                b -> b);
        var connector = new ClientConnector();
        h2c = new HttpClient(new HttpClientTransportDynamic(
                connector, new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector))));
        h2c.start();
    }

    @AfterAll
    static void stop() throws Exception {
        h2c.stop();
        gateway.close();
        emulator.close();
    }

    @BeforeEach
    void forget() {
        emulator.clearRequests();
    }

    private static ContentResponse h2cPost(String path, String body) throws Exception {
        return h2c.POST(URI.create(gateway.baseUrl() + path))
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + alice.secret()))
                .body(new BytesRequestContent("application/json", body.getBytes(StandardCharsets.UTF_8)))
                .timeout(20, TimeUnit.SECONDS)
                .send();
    }

    @Test
    void h2cPriorKnowledge_isAnswered_overHttp2_withTheBodysLength_andKeelHeaders() throws Exception {
        ContentResponse r = h2cPost("/responses", HELLO);
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        assertThat(r.getVersion()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(r.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH)).isEqualTo(r.getContent().length);
        assertThat(r.getHeaders().get("x-keel-attempts")).isEqualTo("1");
        assertThat(r.getHeaders().get("x-request-id")).startsWith("req_");
        assertThat(Json.parse(r.getContent()).path("output").isArray()).isTrue();
        assertThat(emulator.requests("POST", "/v1/responses")).hasSize(1);
    }

    @Test
    void http11_twoCallsOnOneConnection_eachAnsweredWithItsLength_notChunked() throws Exception {
        try (var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                byte[] body = HELLO.getBytes(StandardCharsets.UTF_8);
                out.write(("POST /v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.secret()
                                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                String head = readHead(in);
                assertThat(head).startsWith("HTTP/1.1 200");
                assertThat(head.toLowerCase(java.util.Locale.ROOT))
                        .doesNotContain("transfer-encoding")
                        .doesNotContain("connection: close")
                        .contains("x-keel-attempts: 1");
                int length = Integer.parseInt(headerValue(head, "content-length"));
                byte[] answer = in.readNBytes(length);
                assertThat(Json.parse(answer).path("output").isArray()).isTrue();
            }
        }
        assertThat(emulator.requests("POST", "/v1/responses")).hasSize(2);
    }

    @Test
    void routes_aTrailingSlashIsTheSameRoute_anIdIsOneSegment_andOtherPathsOrMethodsAreOpenAiShaped404s() {
        var models = GatewayFixture.get(gateway, "/v1/models/", alice.secret());
        assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
        assertThat(emulator.requests("GET", "/v1/models/")).hasSize(1);
        var one = GatewayFixture.get(gateway, "/v1/models/gpt-4.1-mini", alice.secret());
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);

        var twoSegments = GatewayFixture.get(gateway, "/v1/models/a/b", alice.secret());
        assertThat(twoSegments.statusCode()).isEqualTo(404);
        assertThat(Json.parse(twoSegments.body()).path("error").path("message").asText())
                .contains("GET /v1/models/a/b");
        var wrongMethod = GatewayFixture.get(gateway, "/v1/chat/completions", alice.secret());
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
        assertThat(wrongMethod.headers().firstValue("content-type")).contains("application/json");
        assertThat(Json.parse(wrongMethod.body()).path("error").path("code").asText())
                .isEqualTo("unknown_url");
        var root = GatewayFixture.get(gateway, "/", null);
        assertThat(root.statusCode()).isEqualTo(404);
        assertThat(emulator.requests("GET", "/v1/chat/completions")).isEmpty();

        var health = GatewayFixture.get(gateway, "/healthz", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Json.parse(health.body()).path("status").asText()).isEqualTo("ok");
        var metrics = GatewayFixture.get(gateway, "/metrics", null);
        assertThat(metrics.headers().firstValue("content-type")).contains("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains("gateway_requests_total");
    }

    @Test
    void http11_aBodyThatStallsPastTheBodyTimeout_gets408_andNothingGoesUpstream() throws Exception {
        try (var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.secret()
                            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 408");
            int length = Integer.parseInt(headerValue(head, "content-length"));
            String body = new String(socket.getInputStream().readNBytes(length), StandardCharsets.UTF_8);
            assertThat(Json.parse(body).path("error").path("code").asText()).isEqualTo("request_body_timeout");
        }
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void h2c_aBodyThatStallsPastTheBodyTimeout_hasItsStreamReset_nothingGoesUpstream_andTheConnectionServesOn()
            throws Exception {
        var content = new AsyncRequestContent("application/json");
        content.write(ByteBuffer.wrap("{\"model\":".getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
        try {
            // HTTP/2 ends a stream that idles past the timeout with RST_STREAM (as the servlet layer did).
            assertThatThrownBy(() -> h2c.POST(URI.create(gateway.baseUrl() + "/responses"))
                            .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + alice.secret()))
                            .body(content)
                            .timeout(20, TimeUnit.SECONDS)
                            .send())
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("cancel_stream_error");
        } finally {
            content.close();
        }
        assertThat(emulator.requests()).isEmpty();
        ContentResponse next = h2cPost("/responses", HELLO);
        assertThat(next.getStatus()).as(next.getContentAsString()).isEqualTo(200);
        assertThat(next.getVersion()).isEqualTo(HttpVersion.HTTP_2);
    }

    @Test
    void aFailureInsideTheGateway_isAnOpenAiShaped500_nothingGoesUpstream_andTheServerServesOn() throws Exception {
        // A real failure: the spend ledger's Redis connection is closed under the gateway.
        String url = System.getenv().getOrDefault("KEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        var capped = issue("capped", new KeyLimits(0, 0, 0, new java.math.BigDecimal("5"), null, false));
        var redis = io.lettuce.core.RedisClient.create(url);
        try {
            var connection = redis.connect();
            try (var broken = GatewayFixture.start(
                    emulator,
                    GatewayKeys.of(List.of(capped.key())),
                    GatewaySettings.ofDefaults().withPort(0),
                    b -> b.spendLedger(new RedisSpendLedger(connection.sync(), "keel:t:gwserver:")))) {
                connection.close();
                var r = GatewayFixture.post(broken, "/responses", capped.secret(), HELLO);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
                assertThat(r.headers().firstValue("content-type")).contains("application/json");
                assertThat(Json.parse(r.body()).path("error").path("code").asText())
                        .isEqualTo("keel_gateway_error");
                assertThat(r.body()).doesNotContain(url);
                assertThat(GatewayFixture.get(broken, "/healthz", null).statusCode())
                        .isEqualTo(200);
            }
        } finally {
            redis.shutdown();
        }
        assertThat(emulator.requests()).isEmpty();
    }

    /** Reads an HTTP/1.1 head up to its blank line. */
    private static String readHead(InputStream in) throws java.io.IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String headerValue(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " header in " + head);
    }
}
