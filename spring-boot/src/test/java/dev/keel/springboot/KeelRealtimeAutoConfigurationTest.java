package dev.keel.springboot;

import static dev.keel.springboot.TestSchemas.rootMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.realtime.token.Authenticator;
import dev.keel.realtime.token.TokenService;
import dev.keel.wire.json.Json;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The realtime token service bean: configured from {@code keel.realtime.*}, replaceable, switchable. */
class KeelRealtimeAutoConfigurationTest {

    static final String KEY = "realtime-boot-key-test";
    static final Emulator EMULATOR =
            Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KeelAutoConfiguration.class, KeelRealtimeAutoConfiguration.class))
            .withPropertyValues("keel.upstream.api-key=" + KEY, "keel.upstream.base-url=" + EMULATOR.baseUrl());

    @AfterAll
    static void stop() {
        EMULATOR.close();
    }

    @Test
    void fromProperties_tokensHaveTheTtlAndRotationLead_appTokensAuthenticate_andThePerUserLimitHolds() {
        runner.withPropertyValues(
                        "keel.realtime.app-tokens.alice=app-token-alice",
                        "keel.realtime.token.ttl=120s",
                        "keel.realtime.token.rotation-lead=20s",
                        "keel.realtime.token.per-user-per-minute=2")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(TokenService.class);
                    TokenService tokens = context.getBean(TokenService.class);
                    TokenService.Reply first = tokens.handle("Bearer app-token-alice", new byte[0]);
                    assertThat(first.status()).isEqualTo(200);
                    long expires = first.body().get("expires_at").asLong();
                    assertThat(expires - first.body().get("rotate_at").asLong()).isEqualTo(20);
                    var sent = Json.parse(EMULATOR.requests("POST", "/v1/realtime/client_secrets")
                            .getLast()
                            .body());
                    assertThat(sent.at("/expires_after/seconds").asInt()).isEqualTo(120);
                    assertThat(tokens.handle("Bearer app-token-alice", new byte[0])
                                    .status())
                            .isEqualTo(200);
                    TokenService.Reply third = tokens.handle("Bearer app-token-alice", new byte[0]);
                    assertThat(third.status()).isEqualTo(429);
                    assertThat(third.body().at("/error/message").asText()).contains("limit 2/min");
                    assertThat(tokens.handle("Bearer someone-else", new byte[0]).status())
                            .isEqualTo(401);
                });
    }

    @Test
    void withoutAppTokens_everyCallerIsRefused() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TokenService.class)
                            .handle("Bearer anything", new byte[0])
                            .status())
                    .isEqualTo(401);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnAuthenticator {
        @Bean
        Authenticator sessions() {
            return bearer -> "session-bob".equals(bearer) ? Optional.of("bob") : Optional.empty();
        }
    }

    @Test
    void anApplicationAuthenticator_decidesWhoMayAsk() {
        runner.withPropertyValues("keel.realtime.app-tokens.alice=app-token-alice")
                .withUserConfiguration(OwnAuthenticator.class)
                .run(context -> {
                    TokenService tokens = context.getBean(TokenService.class);
                    assertThat(tokens.handle("Bearer session-bob", new byte[0]).status())
                            .isEqualTo(200);
                    assertThat(tokens.handle("Bearer app-token-alice", new byte[0])
                                    .status())
                            .isEqualTo(401);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnService {
        static final TokenService SERVICE = new TokenService(
                bearer -> Optional.empty(),
                new dev.keel.realtime.token.UserRateLimiter(1, dev.keel.wire.time.Ticker.SYSTEM),
                null,
                dev.keel.realtime.token.TokenRequest.ofDefaults());

        @Bean
        TokenService myTokens() {
            return SERVICE;
        }
    }

    @Test
    void theApplicationsTokenService_wins() {
        runner.withUserConfiguration(OwnService.class)
                .run(context -> assertThat(context.getBean(TokenService.class)).isSameAs(OwnService.SERVICE));
    }

    @Test
    void switchedOff_orWithoutKeelRealtime_noTokenService() {
        runner.withPropertyValues("keel.spring.token-service.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TokenService.class));
        runner.withClassLoader(new FilteredClassLoader(TokenService.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TokenService.class));
    }

    @Test
    void aRotationLeadNotShorterThanTheTtl_failsStartUp_namingTheKey() {
        runner.withPropertyValues("keel.realtime.token.ttl=60s", "keel.realtime.token.rotation-lead=90s")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure()))
                            .contains("(keel.realtime.token.rotation-lead): realtime.token.rotation-lead:");
                });
    }

    @Test
    void aTtlOutsideTheApisRange_failsStartUp_namingTheKey() {
        runner.withPropertyValues("keel.realtime.token.ttl=30s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains("(keel.realtime.token.ttl): realtime.token.ttl: must be between 1m and 5m, was 30s");
        });
    }
}
