package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code keel serve} under hostile clients and a bad upstream, started in-process over real sockets. */
class SidecarTest {

    private static final String KEY = "sk-test-sidecar-upstream";
    private static final String APP = "app-secret-sidecar";

    private final CliHarness cli = new CliHarness();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A running sidecar: its base URL and a way to stop it. */
    private record Running(String base, ServeCommand command, CompletableFuture<Integer> exit)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            command.stop.countDown();
            assertThat(exit.get()).isZero();
        }
    }

    private Running serve(Map<String, String> env, String... args) {
        var serve = new ServeCommand();
        serve.env = env;
        var all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(List.of(args));
        CompletableFuture<Integer> exit = cli.start(serve, all.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(20)).until(() -> cli.out().contains("listening on") || exit.isDone());
        var m = Pattern.compile("listening on (http://\\S+) ").matcher(cli.out());
        assertThat(m.find()).as("sidecar started; stderr: %s", cli.err()).isTrue();
        return new Running(m.group(1), serve, exit);
    }

    private static Map<String, String> upstream(Emulator emulator, String key) {
        return Map.of(
                "OPENAI_API_KEY", key, "OPENAI_BASE_URL", emulator.baseUrl().toString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postToken(String base, String appToken, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + RealtimeTokenRoute.PATH))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + appToken)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Opens a connection that sends complete headers announcing a body, then stalls. */
    private static Socket stalledBody(String base, String appToken) throws IOException {
        URI uri = URI.create(base);
        var socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(15_000);
        String head = "POST " + RealtimeTokenRoute.PATH + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\n"
                + (appToken == null ? "" : "Authorization: Bearer " + appToken + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"expires_after\":";
        OutputStream o = socket.getOutputStream();
        o.write(head.getBytes(StandardCharsets.US_ASCII));
        o.flush();
        return socket;
    }

    private static String statusLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        var line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    @Test
    void stalledBodies_fromManyConnections_leaveHealthAndMetricsAnswering() throws Exception {
        try (var emulator =
                        Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
                var sidecar = serve(
                        upstream(emulator, KEY),
                        "--app-token",
                        APP + "=alice",
                        "--token-rate",
                        "10000",
                        "--body-timeout",
                        "3s")) {
            var authenticated = new ArrayList<Socket>();
            var anonymous = new ArrayList<Socket>();
            try {
                for (int i = 0; i < 150; i++) {
                    authenticated.add(stalledBody(sidecar.base(), APP));
                    anonymous.add(stalledBody(sidecar.base(), null));
                }
                // Every anonymous connection is refused on its headers, without waiting for its body.
                for (Socket s : anonymous) {
                    assertThat(statusLine(s)).isEqualTo("HTTP/1.1 401 Unauthorized");
                }
                // While 150 authenticated bodies stall, the operator's endpoints still answer.
                for (int i = 0; i < 5; i++) {
                    assertThat(get(sidecar.base() + "/healthz").statusCode()).isEqualTo(200);
                    assertThat(get(sidecar.base() + "/metrics").statusCode()).isEqualTo(200);
                }
                // A stalled body ends in a 408 once the body timeout passes, not in a held thread.
                assertThat(statusLine(authenticated.get(0))).isEqualTo("HTTP/1.1 408 Request Timeout");
            } finally {
                for (Socket s : authenticated) {
                    s.close();
                }
                for (Socket s : anonymous) {
                    s.close();
                }
            }
            assertThat(postToken(sidecar.base(), APP, "{}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void abortedBody_isOneLogLineWithoutAStackTrace() throws Exception {
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        var logger = (Logger) LoggerFactory.getLogger(SidecarServer.class);
        logger.addAppender(appender);
        try (var emulator =
                        Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
                var sidecar = serve(upstream(emulator, KEY), "--app-token", APP + "=alice")) {
            stalledBody(sidecar.base(), APP).close(); // the client goes away mid-body
            await().atMost(Duration.ofSeconds(10)).until(() -> !appender.list.isEmpty());
            assertThat(appender.list).hasSize(1);
            assertThat(appender.list.get(0).getThrowableProxy()).isNull();
            assertThat(appender.list.get(0).getFormattedMessage()).contains("request body not received");
            assertThat(get(sidecar.base() + "/healthz").statusCode()).isEqualTo(200);
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void everyAnswer_isOpenAiShapedJson_404_405_and413Included() throws Exception {
        try (var emulator =
                        Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
                var sidecar = serve(upstream(emulator, KEY), "--app-token", APP + "=alice")) {
            HttpResponse<String> missing = get(sidecar.base() + "/nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("content-type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(Json.parse(missing.body()).at("/error/message").asText()).contains("/nope");

            HttpResponse<String> wrongMethod = http.send(
                    HttpRequest.newBuilder(URI.create(sidecar.base() + "/healthz"))
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrongMethod.statusCode()).isIn(404, 405);
            assertThat(Json.parse(wrongMethod.body()).has("error")).isTrue();

            HttpResponse<String> large = postToken(sidecar.base(), APP, "{\"x\":\"" + "a".repeat(20_000) + "\"}");
            assertThat(large.statusCode()).isEqualTo(413);
            JsonNode error = Json.parse(large.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("request_too_large");
            assertThat(error.get("message").asText()).contains("at most 16384 bytes");
        }
    }

    @Test
    void upstreamRefusingTheSidecarsKey_answers502WithoutTheUpstreamsWords() throws Exception {
        try (var emulator =
                        Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
                var sidecar = serve(upstream(emulator, "sk-test-wrong-upstream"), "--app-token", APP + "=alice")) {
            HttpResponse<String> reply = postToken(sidecar.base(), APP, "{}");
            assertThat(reply.statusCode()).isEqualTo(502);
            JsonNode error = Json.parse(reply.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("upstream_auth_failed");
            assertThat(reply.body())
                    .doesNotContain("sk-test-wrong")
                    .doesNotContain("API key")
                    .doesNotContain("invalid_api_key");
        }
    }

    @Test
    void rateLimitedTokens_areCountedInAMetric_notLoggedEachTime() throws Exception {
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        var logger = (Logger) LoggerFactory.getLogger("dev.keel.realtime.token");
        logger.addAppender(appender);
        try (var emulator =
                        Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
                var sidecar = serve(upstream(emulator, KEY), "--app-token", APP + "=alice", "--token-rate", "1")) {
            assertThat(postToken(sidecar.base(), APP, "{}").statusCode()).isEqualTo(200);
            for (int i = 0; i < 20; i++) {
                assertThat(postToken(sidecar.base(), APP, "{}").statusCode()).isEqualTo(429);
            }
            assertThat(postToken(sidecar.base(), "unknown", "{}").statusCode()).isEqualTo(401);
            String metrics = get(sidecar.base() + "/metrics").body();
            assertThat(metrics)
                    .contains("realtime_token_refused_total{reason=\"rate_limited\"} 20.0")
                    .contains("realtime_token_refused_total{reason=\"unauthorized\"} 1.0")
                    .contains("realtime_token_issued_total 1.0");
            assertThat(appender.list).noneMatch(e -> e.getFormattedMessage().contains("rate_limited"));
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void namedConfigOrSchemasThatDoNotExist_areErrors_notASilentStart() {
        for (String option : List.of("--config", "--schemas")) {
            var serve = new ServeCommand();
            serve.env = Map.of();
            assertThat(cli.run(serve, "--port", "0", option, "does-not-exist.yaml"))
                    .isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(cli.err()).contains(option).contains("does-not-exist.yaml: no such file");
            assertThat(cli.out()).doesNotContain("listening on");
        }
    }

    @Test
    void readyz_saysReadyWithAReachableUpstream_and503WhenItIsUnreachable() throws Exception {
        try (var emulator =
                        Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
                var sidecar = serve(upstream(emulator, KEY))) {
            HttpResponse<String> ready = get(sidecar.base() + "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(Json.parse(ready.body()).get("status").asText()).isEqualTo("ready");
        }
        int closedPort;
        try (var s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        var env = Map.of("OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", "http://127.0.0.1:" + closedPort + "/v1");
        try (var sidecar = serve(env)) {
            assertThat(get(sidecar.base() + "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = get(sidecar.base() + "/readyz");
            assertThat(notReady.statusCode()).isEqualTo(503);
            JsonNode body = Json.parse(notReady.body());
            assertThat(body.get("status").asText()).isEqualTo("not_ready");
            assertThat(body.at("/checks/upstream/ok").asBoolean()).isFalse();
            assertThat(body.at("/checks/upstream/detail").asText()).contains("127.0.0.1:" + closedPort);
            assertThat(body.at("/checks/breakers/ok").asBoolean()).isTrue();
            assertThat(body.at("/checks/configuration/ok").asBoolean()).isTrue();
        }
    }
}
