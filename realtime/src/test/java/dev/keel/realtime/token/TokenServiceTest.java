package dev.keel.realtime.token;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.wire.testing.FakeClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The token endpoint's rules against the emulator's client_secrets over real sockets. */
class TokenServiceTest {

    private static final String KEY = "sk-test-token-service-key";
    private static Emulator emulator;
    private static KeelClient client;
    private final FakeClock clock = new FakeClock();

    @BeforeAll
    static void start() {
        emulator = Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
        client = KeelClient.builder(
                        KeelClientConfig.builder(KEY, emulator.baseUrl()).build())
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    private TokenService service(KeelClient upstream, int perMinute) {
        return new TokenService(
                Authenticator.appTokens(Map.of("app-token-alice", "alice", "app-token-bob", "bob")),
                new UserRateLimiter(perMinute, clock),
                new TokenIssuer(upstream),
                TokenRequest.ofDefaults());
    }

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void handle_knownCaller_returnsValueExpiryAndRotateAt30sEarlier() {
        var reply = service(client, 10).handle("Bearer app-token-alice", new byte[0]);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("value").asText()).startsWith("ek_");
        long expiresAt = reply.body().get("expires_at").asLong();
        assertThat(reply.body().get("rotate_at").asLong()).isEqualTo(expiresAt - 30);
        assertThat(expiresAt - Instant.now().getEpochSecond()).isBetween(290L, 300L);
        assertThat(reply.headers()).containsEntry("Cache-Control", "no-store");
        var upstream = emulator.requests("POST", "/v1/realtime/client_secrets");
        var last = upstream.get(upstream.size() - 1);
        assertThat(last.header("authorization")).contains("Bearer " + KEY);
        assertThat(last.body()).contains("\"seconds\":300", "\"voice\":\"alloy\"");
    }

    @Test
    void handle_unknownOrMissingAppToken_is401AndNeverCallsUpstream() {
        int before = emulator.requests("POST", "/v1/realtime/client_secrets").size();
        var service = service(client, 10);
        assertThat(service.handle("Bearer nope", new byte[0]).status()).isEqualTo(401);
        assertThat(service.handle(null, new byte[0]).status()).isEqualTo(401);
        assertThat(emulator.requests("POST", "/v1/realtime/client_secrets")).hasSize(before);
    }

    @Test
    void handle_overTheUsersRate_is429WithRetryAfter_otherUsersUnaffected_refillsWithTime() {
        var service = service(client, 2);
        assertThat(service.handle("Bearer app-token-alice", new byte[0]).status())
                .isEqualTo(200);
        assertThat(service.handle("Bearer app-token-alice", new byte[0]).status())
                .isEqualTo(200);
        var refused = service.handle("Bearer app-token-alice", new byte[0]);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers().get("Retry-After")).isEqualTo("30");
        assertThat(refused.body().at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(service.handle("Bearer app-token-bob", new byte[0]).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(30));
        assertThat(service.handle("Bearer app-token-alice", new byte[0]).status())
                .isEqualTo(200);
    }

    @Test
    void handle_lifetimeOutsideTheRange_is400NamingTheField() {
        var service = service(client, 10);
        var reply = service.handle("Bearer app-token-alice", body("{\"expires_after\":{\"seconds\":301}}"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().at("/error/param").asText()).isEqualTo("expires_after.seconds");
        assertThat(service.handle("Bearer app-token-alice", body("{\"expires_after\":{\"seconds\":59}}"))
                        .status())
                .isEqualTo(400);
        assertThat(service.handle("Bearer app-token-alice", body("{not json")).status())
                .isEqualTo(400);
        assertThat(service.handle("Bearer app-token-alice", body("{\"expires_after\":{\"seconds\":60}}"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void handle_upstreamUnreachable_is502WithAnOpenAiShapedError() {
        try (var down = KeelClient.builder(KeelClientConfig.builder(KEY, URI.create("http://127.0.0.1:1/v1"))
                        .businessTimeout(Duration.ofSeconds(2))
                        .perCallTimeout(Duration.ofSeconds(1))
                        .build())
                .build()) {
            var reply = service(down, 10).handle("Bearer app-token-alice", new byte[0]);
            assertThat(reply.status()).isEqualTo(502);
            assertThat(reply.body().at("/error/type").asText()).isEqualTo("upstream_error");
            assertThat(reply.body().at("/error/code").asText()).isEqualTo("upstream_unavailable");
            assertThat(reply.body().at("/error/message").asText()).contains("retry");
        }
    }

    @Test
    void handle_upstreamRefusesTheSidecarsKey_answers502WithoutTheUpstreamsWords() {
        try (var wrongKey = KeelClient.builder(KeelClientConfig.builder("sk-test-wrong", emulator.baseUrl())
                        .build())
                .build()) {
            var reply = service(wrongKey, 10).handle("Bearer app-token-alice", new byte[0]);
            assertThat(reply.status()).isEqualTo(502);
            assertThat(reply.body().at("/error/code").asText()).isEqualTo("upstream_auth_failed");
            assertThat(reply.body().toString()).doesNotContain("sk-test-wrong").doesNotContain("invalid_api_key");
        }
        emulator.replaceFaults(
                new FaultPlan(1, List.of(FaultRule.parseFlag("POST /v1/realtime/client_secrets=status:403"))));
        try {
            assertThat(service(client, 10)
                            .handle("Bearer app-token-alice", new byte[0])
                            .status())
                    .isEqualTo(502);
        } finally {
            emulator.replaceFaults(FaultPlan.NONE);
        }
    }

    @Test
    void handle_upstreamRefusesTheRequest_passesItsStatusOnNeverAs200() {
        emulator.replaceFaults(
                new FaultPlan(1, List.of(FaultRule.parseFlag("POST /v1/realtime/client_secrets=status:400"))));
        try {
            var reply = service(client, 10).handle("Bearer app-token-alice", new byte[0]);
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.body().has("error")).isTrue();
        } finally {
            emulator.replaceFaults(FaultPlan.NONE);
        }
    }

    @Test
    void handle_neverLogsTheEphemeralValue() {
        var logger = (Logger) LoggerFactory.getLogger(TokenService.class);
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try {
            var reply = service(client, 10).handle("Bearer app-token-alice", new byte[0]);
            String value = reply.body().get("value").asText();
            assertThat(appender.list).isNotEmpty();
            assertThat(appender.list)
                    .allSatisfy(e -> assertThat(e.getFormattedMessage())
                            .doesNotContain(value)
                            .doesNotContain(KEY));
        } finally {
            logger.detachAppender(appender);
        }
    }
}
