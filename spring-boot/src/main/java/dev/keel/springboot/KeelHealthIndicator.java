package dev.keel.springboot;

import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.core.policy.DegradeSignal;
import dev.keel.core.slo.ErrorBudget;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code keel} health component. {@code DOWN} only when an error budget burns fast enough to page
 * — the SRE workbook's fast burn, 1 h and 5 m both above 14.4× — over at least {@code
 * keel.degrade.min-calls} calls in the last 5 minutes (default 100), so one failed call, or a handful
 * on a quiet service, never makes it DOWN; the slow burn (6 h and 30 m above 6×) is a ticket, shown
 * in the details, not DOWN. {@code DEGRADED} when a circuit breaker is not closed or the degrade signal is
 * on: keel is shedding or failing fast on some route, worth showing, not worth paging (Boot answers
 * 200 for it unless {@code management.endpoint.health.status.http-mapping.degraded} says otherwise).
 * Details, per traffic class: every breaker's state, the degrade state, the burn rates, whether the
 * page or ticket alert fires, and the budget left.
 */
public final class KeelHealthIndicator implements HealthIndicator {

    /** keel is up but some route is shedding or failing fast. */
    public static final Status DEGRADED = new Status("DEGRADED", "a circuit breaker is open or keel is degraded");

    private final KeelClients clients;

    public KeelHealthIndicator(KeelClients clients) {
        this.clients = clients;
    }

    @Override
    public Health health() {
        boolean page = false;
        boolean degraded = false;
        var details = new LinkedHashMap<String, Object>();
        for (TrafficClass traffic : TrafficClass.values()) {
            KeelClient client = clients.of(traffic);
            ErrorBudget.Status budget = client.errorBudget().status();
            Map<String, CircuitBreaker.State> breakers = client.breakerStates();
            DegradeSignal.State degrade = client.degrade().state();
            long recent = client.errorBudget().calls(ErrorBudget.Window.M5);
            boolean pages = budget.page() && recent >= client.degrade().config().minCalls();
            page |= pages;
            degraded |= degrade != DegradeSignal.State.NORMAL
                    || breakers.values().stream().anyMatch(s -> s != CircuitBreaker.State.CLOSED);
            var burn = new LinkedHashMap<String, Double>();
            budget.burnRates().forEach((w, r) -> burn.put(w.label(), r));
            var d = new LinkedHashMap<String, Object>();
            d.put("breakers", breakers);
            d.put("degrade", degrade);
            d.put("errorBudgetBurnRates", burn);
            d.put("page", pages);
            d.put("callsLast5m", recent);
            d.put("ticket", budget.ticket());
            d.put("errorBudgetRemaining", budget.budgetRemaining());
            details.put(traffic.name().toLowerCase(java.util.Locale.ROOT), d);
        }
        Health.Builder b = page ? Health.down() : degraded ? Health.status(DEGRADED) : Health.up();
        return b.withDetails(details).build();
    }
}
