package dev.keel.cli;

import dev.keel.core.KeelClient;
import dev.keel.realtime.token.Authenticator;
import dev.keel.realtime.token.TokenIssuer;
import dev.keel.realtime.token.TokenRequest;
import dev.keel.realtime.token.TokenService;
import dev.keel.realtime.token.UserRateLimiter;
import dev.keel.wire.json.Json;
import dev.keel.wire.time.Ticker;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * Mounts the realtime token endpoint, {@code POST /v1/realtime/token}, on a Javalin server: the
 * HTTP side of {@link TokenService}. Used by {@code keel serve} and the token benchmark.
 */
public final class RealtimeTokenRoute {

    public static final String PATH = "/v1/realtime/token";

    private RealtimeTokenRoute() {}

    /** A token service over {@code client} with static app tokens and a per-user rate. */
    public static TokenService service(KeelClient client, Map<String, String> appTokens, int perUserPerMinute) {
        return service(client, appTokens, perUserPerMinute, client.meterRegistry());
    }

    /** The same, counting refusals and issued tokens in {@code metrics}. */
    public static TokenService service(
            KeelClient client, Map<String, String> appTokens, int perUserPerMinute, MeterRegistry metrics) {
        return new TokenService(
                Authenticator.appTokens(appTokens),
                new UserRateLimiter(perUserPerMinute, Ticker.SYSTEM),
                new TokenIssuer(client),
                TokenRequest.ofDefaults(),
                metrics);
    }

    /**
     * A token service as the configuration says: app tokens ({@code realtime.app-tokens}, by user),
     * the per-user rate, the request defaults and the rotation lead of {@code realtime.token.*}.
     */
    public static TokenService service(KeelClient client, dev.keel.config.KeelConfig cfg, MeterRegistry metrics) {
        var byToken = new java.util.LinkedHashMap<String, String>();
        cfg.map(dev.keel.config.Settings.APP_TOKENS).forEach((user, token) -> byToken.put(token, user));
        return new TokenService(
                Authenticator.appTokens(byToken),
                new UserRateLimiter(cfg.get(dev.keel.config.Settings.TOKEN_RATE), Ticker.SYSTEM),
                new TokenIssuer(client, dev.keel.core.CallOptions.defaults(), cfg.tokenRotationLead()),
                cfg.tokenRequest(),
                metrics);
    }

    /** Registers the route. */
    public static void register(JavalinConfig cfg, TokenService service) {
        cfg.routes.post(PATH, ctx -> {
            TokenService.Reply reply = service.handle(ctx.header("Authorization"), ctx.bodyAsBytes());
            reply.headers().forEach(ctx::header);
            ctx.status(reply.status()).contentType("application/json").result(Json.write(reply.body()));
        });
    }
}
