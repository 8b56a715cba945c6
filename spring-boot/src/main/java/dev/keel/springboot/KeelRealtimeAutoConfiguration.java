package dev.keel.springboot;

import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.realtime.token.Authenticator;
import dev.keel.realtime.token.TokenIssuer;
import dev.keel.realtime.token.TokenService;
import dev.keel.realtime.token.UserRateLimiter;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The realtime {@link TokenService} (mint short-lived client secrets for devices, as {@code keel
 * serve}'s {@code POST /v1/realtime/token} does) on the online {@link KeelClient}: token lifetime and
 * defaults from {@code keel.realtime.token.*}, {@code rotate_at} {@code keel.realtime.token.rotation-lead}
 * before expiry, at most {@code keel.realtime.token.per-user-per-minute} per user, callers
 * authenticated by the application's own {@link Authenticator} bean or else by the static app
 * tokens of {@code keel.realtime.app-tokens.<user>} (none: every caller is refused). Needs
 * keel-realtime on the classpath; switched off with {@code keel.spring.token-service.enabled=false};
 * an application's own {@link TokenService} bean replaces it. The application mounts it on a route of
 * its own ({@link TokenService#handle(String, byte[])} answers status, body and headers).
 */
@AutoConfiguration(after = KeelAutoConfiguration.class)
@ConditionalOnClass(name = "dev.keel.realtime.token.TokenService")
@ConditionalOnBooleanProperty(name = "keel.spring.token-service.enabled", matchIfMissing = true)
public class KeelRealtimeAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TokenService keelTokenService(
            KeelClient client,
            KeelConfig config,
            ObjectProvider<Authenticator> authenticator,
            ObjectProvider<MeterRegistry> registry) {
        Authenticator callers = authenticator.getIfUnique(() -> appTokens(config));
        return new TokenService(
                callers,
                new UserRateLimiter(config.get(Settings.TOKEN_RATE), Ticker.SYSTEM),
                new TokenIssuer(client, CallOptions.defaults(), config.tokenRotationLead()),
                config.tokenRequest(),
                registry.getIfAvailable(client::meterRegistry));
    }

    private static Authenticator appTokens(KeelConfig config) {
        var byToken = new LinkedHashMap<String, String>();
        config.map(Settings.APP_TOKENS).forEach((user, token) -> byToken.put(token, user));
        return Authenticator.appTokens(byToken);
    }
}
