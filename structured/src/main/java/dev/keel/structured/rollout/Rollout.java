package dev.keel.structured.rollout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.structured.decode.CompatFallback;
import dev.keel.structured.decode.DecodeMode;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.wire.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live rollout of one schema: assigns each call a version by routing key (sticky canary), keeps
 * the configuration current without a restart, and rolls the canary back by itself.
 *
 * <ul>
 *   <li><b>Reload.</b> On a call at least {@code reload_interval} after the last check, the source
 *       ({@code keel.yaml} and the environment) is read again; a change takes effect on that call. A
 *       file that fails validation is refused with an event, and the last good configuration stays.
 *   <li><b>Config rollback.</b> {@code schema_version: v1, canary_percent: 0} in the file (or through
 *       {@link #override}) sends every new call to v1.
 *   <li><b>Logic rollback.</b> {@code compat_fallback: force} keeps generating the version but decodes
 *       every answer in compat mode.
 *   <li><b>Automatic rollback.</b> Each arm's recent decodes are kept (the window); when both arms have
 *       {@code min_samples} and the canary's compat + summary rate exceeds the baseline's by more than
 *       {@code margin}, the canary is set to 0 %, a {@link RollbackEvent} is sent, {@code
 *       structured_rollback_total{reason="auto"}} counts it and a WARN line says why. It holds until the
 *       configured version or percent changes, or {@link #resetAutoRollback()}.
 * </ul>
 *
 * Validated at start: versions must be registered and the percent within 0–100. Time comes from the
 * injected clock, so reload timing is tested without waiting. Thread-safe.
 */
public final class Rollout {

    public static final String ROLLBACK_METRIC = "structured_rollback";
    public static final String CANARY_PERCENT_METRIC = "structured_canary_percent";
    public static final String RELOAD_FAILED_METRIC = "structured_config_reload_failed";

    private static final Logger LOG = LoggerFactory.getLogger(Rollout.class);

    private final String schema;
    private final SchemaRegistry registry;
    private final Supplier<RolloutConfig> source;
    private final String sourceName;
    private final InstantSource clock;
    private final RolloutListener listener;
    private final MeterRegistry metrics;

    private RolloutConfig loaded;
    private UnaryOperator<RolloutConfig> override;
    private RolloutConfig tripBase;
    private RollbackEvent tripped;
    private RolloutConfig effective;
    private Instant nextCheck;
    private OutcomeWindow canary;
    private OutcomeWindow baseline;

    private Rollout(
            String schema,
            SchemaRegistry registry,
            Supplier<RolloutConfig> source,
            String sourceName,
            InstantSource clock,
            MeterRegistry metrics,
            RolloutListener listener) {
        this.schema = schema;
        this.registry = registry;
        this.source = source;
        this.sourceName = sourceName;
        this.clock = clock;
        this.metrics = metrics;
        this.listener = listener;
        this.loaded = source.get();
        this.effective = check(loaded);
        this.nextCheck = clock.instant().plus(loaded.reloadInterval());
        resetWindows();
        Gauge.builder(CANARY_PERCENT_METRIC, this, r -> r.effective().canaryPercent())
                .description("share of traffic (0-100) decoded with the canary schema version")
                .tag("schema", schema)
                .register(metrics);
    }

    /**
     * Starts a rollout of {@code schema} configured by {@code loader} (environment and {@code keel.yaml}).
     *
     * @throws IllegalArgumentException when the configuration is invalid or names an unregistered
     *     version: refused at start-up
     */
    public static Rollout start(
            String schema,
            SchemaRegistry registry,
            RolloutConfigLoader loader,
            InstantSource clock,
            MeterRegistry metrics,
            RolloutListener listener) {
        String name = loader.file() == null ? "environment" : loader.file() + " and the environment";
        return new Rollout(schema, registry, loader::load, name, clock, metrics, listener);
    }

    /**
     * Starts a rollout of {@code schema} whose configuration {@code source} gives (e.g. the live
     * {@code keel-config} model); it is asked again every {@code reload_interval} and by {@link
     * #reload()}.
     *
     * @param sourceName where the configuration comes from, for {@code /debug/config}
     * @throws IllegalArgumentException when the configuration names an unregistered version
     */
    public static Rollout start(
            String schema,
            SchemaRegistry registry,
            Supplier<RolloutConfig> source,
            String sourceName,
            InstantSource clock,
            MeterRegistry metrics,
            RolloutListener listener) {
        return new Rollout(schema, registry, source, sourceName, clock, metrics, listener);
    }

    /** A rollout with a configuration set in code (change it with {@link #override}). */
    public static Rollout fixed(
            String schema,
            SchemaRegistry registry,
            RolloutConfig config,
            MeterRegistry metrics,
            RolloutListener listener) {
        return new Rollout(schema, registry, () -> config, "code", InstantSource.system(), metrics, listener);
    }

    /** The schema name. */
    public String schema() {
        return schema;
    }

    /** The version and arm for a call with this routing key (a tenant, user or request key). */
    public synchronized Assignment assign(String routingKey) {
        Objects.requireNonNull(routingKey, "routingKey");
        refreshIfDue();
        RolloutConfig c = effective;
        String target = target(c);
        boolean canaryHit = CanaryAssigner.inCanary(schema + "/" + target, routingKey, c.canaryPercent());
        return canaryHit
                ? new Assignment(target, Arm.CANARY, c.compatFallback())
                : new Assignment(baseline(c), Arm.BASELINE, c.compatFallback());
    }

    /** Records a decode's mode for the automatic rollback. Forced compat (logic rollback) is not counted. */
    public synchronized void record(Arm arm, DecodeMode mode) {
        if (effective.compatFallback() == CompatFallback.FORCE) {
            return;
        }
        (arm == Arm.CANARY ? canary : baseline).add(mode != DecodeMode.STRICT);
        maybeRollBack();
    }

    /** The configuration in force now (after overrides and any automatic rollback). */
    public synchronized RolloutConfig effective() {
        return effective;
    }

    /** The active automatic rollback, or null. */
    public synchronized RollbackEvent autoRollback() {
        return tripped;
    }

    /**
     * Changes the configuration through the API, on top of the file and environment, until {@link
     * #clearOverride()}. Takes effect on the next call.
     *
     * @throws IllegalArgumentException when the result is invalid; nothing changes then
     */
    public synchronized void override(UnaryOperator<RolloutConfig> change) {
        UnaryOperator<RolloutConfig> previous = override;
        override = previous == null ? change : c -> change.apply(previous.apply(c));
        try {
            apply("api override");
        } catch (IllegalArgumentException e) {
            override = previous;
            throw e;
        }
    }

    public synchronized void clearOverride() {
        override = null;
        apply("api override cleared");
    }

    /** Ends an automatic rollback: the configured canary percent applies again. */
    public synchronized void resetAutoRollback() {
        tripped = null;
        tripBase = null;
        resetWindows();
        apply("auto rollback reset");
    }

    /** Re-reads the source now, whatever the interval. */
    public synchronized void reload() {
        nextCheck = clock.instant();
        refreshIfDue();
    }

    /** The effective {@code structured_output} section for {@code /debug/config}. */
    public synchronized ObjectNode describe() {
        RolloutConfig c = effective;
        ObjectNode out = Json.object();
        out.put("schema", schema);
        out.put("schema_version", target(c));
        out.put("baseline_version", baseline(c));
        out.put("canary_percent", c.canaryPercent());
        out.put("compat_fallback", c.compatFallback().token());
        out.put("source", sourceName);
        out.put("reload_interval", c.reloadInterval().toString());
        out.put("api_override", override != null);
        ObjectNode auto = out.putObject("auto_rollback");
        auto.put("enabled", c.autoRollback().enabled());
        auto.put("margin", c.autoRollback().margin());
        auto.put("min_samples", c.autoRollback().minSamples());
        auto.put("window", c.autoRollback().window());
        auto.put("canary_samples", canary.size());
        auto.put("canary_bad_rate", canary.badRate());
        auto.put("baseline_samples", baseline.size());
        auto.put("baseline_bad_rate", baseline.badRate());
        auto.put("active", tripped != null);
        auto.put("reason", tripped == null ? null : tripped.reason());
        return out;
    }

    private void refreshIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return;
        }
        try {
            RolloutConfig fresh = source.get();
            check(override == null ? fresh : override.apply(fresh));
            RolloutConfig before = loaded;
            loaded = fresh;
            if (!fresh.equals(before)) {
                apply("reloaded from " + sourceName);
            }
        } catch (RuntimeException e) {
            Counter.builder(RELOAD_FAILED_METRIC)
                    .description("reloads of the rollout config that failed; the last good config stays in force")
                    .tag("schema", schema)
                    .register(metrics)
                    .increment();
            LOG.error(
                    "structured_output config reload refused, keeping the last good configuration: {}", e.getMessage());
            listener.reloadFailed(e.getMessage());
        }
        nextCheck = now.plus(loaded.reloadInterval());
    }

    private void apply(String cause) {
        RolloutConfig base = check(override == null ? loaded : override.apply(loaded));
        if (tripped != null && !sameRollout(base, tripBase)) {
            tripped = null;
            tripBase = null;
        }
        RolloutConfig next = tripped == null ? base : base.withCanaryPercent(0);
        RolloutConfig previous = effective;
        if (!sameRollout(previous, next)) {
            resetWindows();
        }
        effective = next;
        if (!next.equals(previous)) {
            LOG.info(
                    "structured_output config changed ({}): schema_version={} canary_percent={} compat_fallback={}",
                    cause,
                    target(next),
                    next.canaryPercent(),
                    next.compatFallback().token());
            listener.configChanged(previous, next, cause);
        }
    }

    private void maybeRollBack() {
        var auto = effective.autoRollback();
        if (!auto.enabled() || tripped != null || effective.canaryPercent() == 0) {
            return;
        }
        if (canary.size() < auto.minSamples() || baseline.size() < auto.minSamples()) {
            return;
        }
        if (canary.badRate() - baseline.badRate() <= auto.margin()) {
            return;
        }
        var event = new RollbackEvent(
                target(effective),
                effective.canaryPercent(),
                canary.badRate(),
                baseline.badRate(),
                canary.size(),
                baseline.size(),
                auto.margin());
        tripBase = check(override == null ? loaded : override.apply(loaded));
        tripped = event;
        RolloutConfig previous = effective;
        effective = effective.withCanaryPercent(0);
        Counter.builder(ROLLBACK_METRIC)
                .description("automatic rollbacks of a canary schema version")
                .tag("schema", schema)
                .tag("reason", "auto")
                .register(metrics)
                .increment();
        LOG.warn("structured_output automatic rollback: {}", event.reason());
        listener.autoRollback(event);
        listener.configChanged(previous, effective, "automatic rollback");
    }

    private RolloutConfig check(RolloutConfig c) {
        String target = target(c);
        registry.get(schema, target);
        registry.get(schema, baseline(c));
        return c;
    }

    private String target(RolloutConfig c) {
        return c.schemaVersion() != null
                ? c.schemaVersion()
                : registry.latest(schema).version();
    }

    private String baseline(RolloutConfig c) {
        if (c.baselineVersion() != null) {
            return c.baselineVersion();
        }
        String target = target(c);
        return registry.previous(schema, target).orElse(target);
    }

    private boolean sameRollout(RolloutConfig a, RolloutConfig b) {
        return a != null
                && b != null
                && target(a).equals(target(b))
                && baseline(a).equals(baseline(b))
                && a.canaryPercent() == b.canaryPercent();
    }

    private void resetWindows() {
        int w = (effective == null ? loaded : effective).autoRollback().window();
        canary = new OutcomeWindow(w);
        baseline = new OutcomeWindow(w);
    }
}
