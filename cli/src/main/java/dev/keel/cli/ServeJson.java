package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TimeoutChain;
import dev.keel.core.slo.ErrorBudget;
import dev.keel.wire.json.Json;

/** The JSON views of {@code keel serve}: {@code /debug/config} and {@code /healthz}. Stateless and thread-safe. */
final class ServeJson {

    private ServeJson() {}

    /** The effective configuration; the API key only as a fingerprint. */
    static ObjectNode config(KeelClient client, UpstreamOptions.Mode mode) {
        KeelClientConfig c = client.config();
        ObjectNode out = Json.object();
        ObjectNode upstream = out.putObject("upstream");
        upstream.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        upstream.put("base_url", c.baseUrl().toString());
        upstream.put("api_key", c.redactedKey());
        upstream.put("organization", c.organization());
        upstream.put("project", c.project());
        ObjectNode t = out.putObject("timeouts");
        t.put("business", TimeoutChain.human(c.businessTimeout()));
        t.put("per_call", TimeoutChain.human(c.perCallTimeout()));
        t.put("connect", TimeoutChain.human(c.pool().connectTimeout()));
        ObjectNode pool = out.putObject("pool");
        pool.put("max_connections_per_destination", c.pool().maxConnectionsPerDestination());
        pool.put("idle_timeout", TimeoutChain.human(c.pool().idleTimeout()));
        pool.put("http2", c.pool().http2());
        pool.put("h2c", c.pool().h2c());
        out.put("in_flight_limit", client.inFlight().configured());
        out.put("traffic_class", c.trafficClass().name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode degrade = out.putObject("degrade");
        degrade.put("window", TimeoutChain.human(c.degrade().window()));
        degrade.put("min_calls", c.degrade().minCalls());
        degrade.put("error_rate", c.degrade().errorRate());
        degrade.put("concurrency_factor", c.degrade().concurrencyFactor());
        degrade.put("fallback_model", client.degrade().config().fallbackModel());
        out.putObject("slo")
                .put("target", c.slo().target())
                .put("period_days", c.slo().period().toDays());
        return out;
    }

    /** The token endpoint's settings: how many app tokens (never their values) and the rate. */
    static ObjectNode withRealtime(ObjectNode out, KeelConfig cfg) {
        out.putObject("realtime_token")
                .put("app_tokens", cfg.map(Settings.APP_TOKENS).size())
                .put("per_user_per_minute", cfg.get(Settings.TOKEN_RATE));
        return out;
    }

    static ObjectNode health(KeelClient client) {
        ErrorBudget.Status budget = client.errorBudget().status();
        ObjectNode out = Json.object();
        out.put("status", "ok");
        out.put("degrade", client.degrade().state().name().toLowerCase(java.util.Locale.ROOT));
        out.put("in_flight", client.inFlight().inUse());
        ObjectNode b = out.putObject("error_budget");
        b.put("page", budget.page());
        b.put("ticket", budget.ticket());
        b.put("remaining", budget.budgetRemaining());
        budget.burnRates().forEach((w, rate) -> b.put("burn_rate_" + w.label(), rate));
        return out;
    }
}
