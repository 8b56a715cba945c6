package dev.keel.config;

import static dev.keel.config.Settings.*;

import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.run.BatchRoute;
import dev.keel.batch.run.FlexConfig;
import dev.keel.batch.run.FlexFallback;
import dev.keel.batch.run.RunConfig;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.core.fallback.FallbackConfig;
import dev.keel.core.http.PoolConfig;
import dev.keel.core.policy.Backoff;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.DegradeConfig;
import dev.keel.core.policy.RetryBudgetConfig;
import dev.keel.core.policy.RetryPolicyConfig;
import dev.keel.core.slo.SloConfig;
import dev.keel.realtime.token.TokenRequest;
import dev.keel.structured.decode.CompatFallback;
import dev.keel.structured.rollout.AutoRollbackConfig;
import dev.keel.structured.rollout.RolloutConfig;
import dev.keel.wire.io.KeyLines;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The effective configuration: every {@link Settings setting} with its value and where the value
 * came from, validated as a whole, and the keel objects built from it ({@link #clientConfig},
 * {@link #runConfig}, {@link #rolloutConfig}, ...). Immutable and thread-safe.
 *
 * <p>Bind it from any sources with {@link #resolve}: the CLI passes flags, the environment and
 * {@code keel.yaml}; a Spring Boot binder passes the {@code keel.} properties as one layer.
 */
public final class KeelConfig {

    /** One effective value as {@code keel config show} prints it: secrets as a fingerprint. */
    public record Entry(String key, String value, Origin origin, boolean live) {}

    private final Map<Setting<?>, Object> values;
    private final Map<Setting<?>, Origin> origins;
    private final Map<String, Origin> entryOrigins;

    private KeelConfig(Map<Setting<?>, Object> values, Map<Setting<?>, Origin> origins, Map<String, Origin> entries) {
        this.values = values;
        this.origins = origins;
        this.entryOrigins = entries;
    }

    /** Every default. */
    public static KeelConfig defaults() {
        return resolve(List.of());
    }

    /**
     * Binds {@code highestFirst} (e.g. flags, environment, file): each key takes the value of the
     * first layer that sets it, else its default; every value of every layer is checked, and the
     * effective values against each other.
     *
     * @throws ConfigException listing every unknown key (with a "did you mean"), bad value, key set
     *     both in the environment and the file where that is refused, and broken rule between keys
     */
    public static KeelConfig resolve(List<ConfigLayer> highestFirst) {
        var problems = new ArrayList<ConfigProblem>();
        var bad = new HashSet<Setting<?>>();
        var values = new LinkedHashMap<Setting<?>, Object>();
        var origins = new LinkedHashMap<Setting<?>, Origin>();
        var entryOrigins = new TreeMap<String, Origin>();
        for (ConfigLayer layer : highestFirst) {
            problems.addAll(layer.problems());
            for (ConfigValue v : layer.values().values()) {
                var s = Settings.find(v.key());
                if (s.isEmpty()) {
                    problems.add(new ConfigProblem(v.origin(), v.key(), unknown(v.key())));
                    continue;
                }
                try {
                    s.get().read(v.text());
                } catch (IllegalArgumentException e) {
                    problems.add(new ConfigProblem(v.origin(), v.key(), e.getMessage()));
                    bad.add(s.get());
                }
            }
        }
        for (Setting<?> s : Settings.all()) {
            if (s.map()) {
                bindMap(s, highestFirst, values, origins, entryOrigins);
            } else {
                bind(s, highestFirst, values, origins, bad);
                if (s.oneSource()) {
                    oneSource(s, highestFirst, problems);
                }
            }
        }
        if (problems.isEmpty()) {
            problems.addAll(Rules.check(values, origins, bad));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new KeelConfig(
                java.util.Collections.unmodifiableMap(values),
                java.util.Collections.unmodifiableMap(origins),
                java.util.Collections.unmodifiableMap(entryOrigins));
    }

    private static void bind(
            Setting<?> s,
            List<ConfigLayer> layers,
            Map<Setting<?>, Object> values,
            Map<Setting<?>, Origin> origins,
            Set<Setting<?>> bad) {
        for (ConfigLayer layer : layers) {
            ConfigValue v = layer.values().get(s.key());
            if (v != null) {
                origins.put(s, v.origin());
                if (!bad.contains(s)) {
                    values.put(s, s.read(v.text()));
                } else {
                    values.put(s, s.defaultValue());
                }
                return;
            }
        }
        values.put(s, s.defaultValue());
        origins.put(s, Origin.DEFAULT);
    }

    /** A map takes its entries from the highest layer that has any: flags replace the file's, never merge. */
    private static void bindMap(
            Setting<?> s,
            List<ConfigLayer> layers,
            Map<Setting<?>, Object> values,
            Map<Setting<?>, Origin> origins,
            Map<String, Origin> entryOrigins) {
        String prefix = s.key() + ".";
        for (ConfigLayer layer : layers) {
            var entries = new TreeMap<String, String>();
            Origin first = null;
            for (ConfigValue v : layer.values().values()) {
                if (v.key().startsWith(prefix)) {
                    entries.put(v.key().substring(prefix.length()), v.text());
                    entryOrigins.put(v.key(), v.origin());
                    first = first == null ? v.origin() : first;
                }
            }
            if (first != null) {
                values.put(s, java.util.Collections.unmodifiableMap(entries));
                origins.put(s, first);
                return;
            }
        }
        values.put(s, Map.of());
        origins.put(s, Origin.DEFAULT);
    }

    /** A rollout setting set both in the environment and in the file is refused. */
    private static void oneSource(Setting<?> s, List<ConfigLayer> layers, List<ConfigProblem> problems) {
        ConfigValue env = null;
        ConfigValue file = null;
        for (ConfigLayer layer : layers) {
            ConfigValue v = layer.values().get(s.key());
            if (v != null && v.origin().kind() == Origin.Kind.ENV) {
                env = v;
            } else if (v != null && v.origin().kind() == Origin.Kind.FILE) {
                file = v;
            }
        }
        if (env != null && file != null) {
            problems.add(new ConfigProblem(
                    file.origin(),
                    s.key(),
                    "is also set by " + env.origin().where() + "; set it in one place only, so a rollback written"
                            + " into one is never shadowed by the other"));
        }
    }

    /** {@code unknown key; did you mean 'retry.max-attempts'?}, else what the section or file holds. */
    static String unknown(String key) {
        if (Settings.mapAt(key).isPresent()) {
            return "must be a mapping of names to values (" + key + ".NAME: VALUE), not a single value";
        }
        List<String> keys = Settings.keys();
        List<String> below = keys.stream().filter(k -> k.startsWith(key + ".")).toList();
        if (!below.isEmpty()) {
            return "is a section (" + String.join(", ", below.subList(0, Math.min(3, below.size())))
                    + (below.size() > 3 ? ", ..." : "") + "), not a value";
        }
        String near = KeyLines.suggestion(key, keys);
        if (near.startsWith("; did you mean")) {
            return "unknown key" + near;
        }
        int dot = key.lastIndexOf('.');
        String section = dot < 0 ? "" : key.substring(0, dot);
        List<String> siblings = keys.stream()
                .filter(k -> k.startsWith(section + ".") && k.indexOf('.', section.length() + 1) < 0)
                .map(k -> k.substring(section.length() + 1))
                .toList();
        if (!section.isEmpty() && !siblings.isEmpty()) {
            return "unknown key; " + section + " has " + String.join(", ", siblings) + " (docs/configuration.md)";
        }
        var sections = new java.util.TreeSet<String>();
        keys.forEach(k -> sections.add(k.substring(0, k.indexOf('.'))));
        return "unknown key; the sections are " + String.join(", ", sections) + " (docs/configuration.md)";
    }

    /** The effective value of {@code s} (null when unset and it has no default). */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> s) {
        return (T) values.get(s);
    }

    /** The entries of a map setting ({@link Settings#APP_TOKENS}), by name. */
    @SuppressWarnings("unchecked")
    public Map<String, String> map(Setting<String> s) {
        if (!s.map()) {
            throw new IllegalArgumentException(s.key() + " is not a map");
        }
        return (Map<String, String>) values.get(s);
    }

    /** Where the effective value of {@code s} came from. */
    public Origin origin(Setting<?> s) {
        return origins.get(s);
    }

    /** Whether {@code s} still has its built-in default (no source set it). */
    public boolean isDefault(Setting<?> s) {
        return origins.get(s).kind() == Origin.Kind.DEFAULT;
    }

    /** Every effective value in reference order; secrets as fingerprints, passwords in URLs redacted. */
    public List<Entry> entries() {
        var out = new ArrayList<Entry>();
        for (Setting<?> s : Settings.all()) {
            if (s.map()) {
                entriesOf(s).forEach((name, v) -> {
                    String key = s.key() + "." + name;
                    out.add(new Entry(key, display(s, v), entryOrigins.get(key), s.live()));
                });
                if (entriesOf(s).isEmpty()) {
                    out.add(new Entry(s.key(), "(none)", Origin.DEFAULT, s.live()));
                }
                continue;
            }
            Object v = values.get(s);
            out.add(new Entry(
                    s.key(), v == null ? "(unset: " + s.defaultText() + ")" : display(s, v), origins.get(s), s.live()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> entriesOf(Setting<?> s) {
        return (Map<String, String>) values.get(s);
    }

    private static String display(Setting<?> s, Object v) {
        String text = s.map() ? v.toString() : s.format(v);
        if (s.secret()) {
            return Redaction.fingerprint(text);
        }
        return Redaction.url(text);
    }

    /** The keys whose effective values differ between this configuration and {@code other}. */
    public List<String> changedKeys(KeelConfig other) {
        var out = new ArrayList<String>();
        for (Setting<?> s : Settings.all()) {
            if (!Objects.equals(values.get(s), other.values.get(s))) {
                out.add(s.key());
            }
        }
        return out;
    }

    /**
     * This configuration with the {@link Setting#live() live} settings taken from {@code next}: what
     * a running process applies from a changed file (the rest needs a restart).
     */
    public KeelConfig withLive(KeelConfig next) {
        var v = new LinkedHashMap<>(values);
        var o = new LinkedHashMap<>(origins);
        for (Setting<?> s : Settings.all()) {
            if (s.live()) {
                v.put(s, next.values.get(s));
                o.put(s, next.origins.get(s));
            }
        }
        return new KeelConfig(
                java.util.Collections.unmodifiableMap(v), java.util.Collections.unmodifiableMap(o), entryOrigins);
    }

    // ---- the keel objects the model builds ----

    /** The key for a traffic class: its own, else {@code upstream.api-key}; null when neither is set. */
    public String apiKey(TrafficClass traffic) {
        String own = get(traffic == TrafficClass.BATCH ? BATCH_API_KEY : ONLINE_API_KEY);
        return own != null ? own : get(API_KEY);
    }

    /** The in-flight limit of a traffic class. */
    public int inFlight(TrafficClass traffic) {
        return get(traffic == TrafficClass.BATCH ? BATCH_IN_FLIGHT : ONLINE_IN_FLIGHT);
    }

    /**
     * A client configuration for {@code traffic} against the configured upstream ({@code
     * upstream.base-url}, default the real API).
     *
     * @throws ConfigException when no API key is set for it
     */
    public KeelClientConfig.Builder clientConfig(TrafficClass traffic) {
        String key = apiKey(traffic);
        if (key == null) {
            throw new ConfigException(List.of(new ConfigProblem(
                    Origin.DEFAULT, API_KEY.key(), "is required: set OPENAI_API_KEY (or upstream.api-key)")));
        }
        URI base = get(BASE_URL);
        return clientConfig(traffic, key, base != null ? base : KeelClientConfig.OPENAI);
    }

    /** A client configuration for {@code traffic} with every knob of the model, for a key and base URL chosen elsewhere (the CLI's sandbox). */
    public KeelClientConfig.Builder clientConfig(TrafficClass traffic, String apiKey, URI baseUrl) {
        return KeelClientConfig.builder(apiKey, baseUrl)
                .organization(get(ORGANIZATION))
                .project(get(PROJECT))
                .businessTimeout(get(BUSINESS_TIMEOUT))
                .perCallTimeout(get(PER_CALL_TIMEOUT))
                .inFlightLimit(inFlight(traffic))
                .trafficClass(traffic)
                .pool(pool())
                .degrade(degrade())
                .slo(slo())
                .retry(retry())
                .retryBudget(retryBudget())
                .breaker(breaker())
                .fallback(fallback());
    }

    public PoolConfig pool() {
        return new PoolConfig(
                get(MAX_CONNECTIONS),
                get(IDLE_TIMEOUT),
                get(CONNECT_TIMEOUT),
                get(HTTP2),
                get(H2C),
                Math.toIntExact(get(MAX_RESPONSE_SIZE)),
                null);
    }

    public RetryPolicyConfig retry() {
        return new RetryPolicyConfig(
                get(MAX_ATTEMPTS),
                Backoff.exponentialFullJitter(get(BACKOFF_BASE), get(BACKOFF_CAP)),
                get(MIN_ATTEMPT_TIME));
    }

    public RetryBudgetConfig retryBudget() {
        return new RetryBudgetConfig(get(BUDGET_WINDOW), get(BUDGET_RATIO), get(BUDGET_MIN_PER_SECOND));
    }

    public CircuitBreakerConfig breaker() {
        return new CircuitBreakerConfig(
                get(BREAKER_WINDOW),
                get(BREAKER_MIN_CALLS),
                get(BREAKER_FAILURE_RATE),
                get(BREAKER_OPEN_FOR),
                get(BREAKER_PROBES));
    }

    public DegradeConfig degrade() {
        return new DegradeConfig(
                get(DEGRADE_WINDOW),
                get(DEGRADE_MIN_CALLS),
                get(DEGRADE_ERROR_RATE),
                get(DEGRADE_CONCURRENCY),
                get(DEGRADE_FALLBACK_MODEL));
    }

    public FallbackConfig fallback() {
        return new FallbackConfig(get(LKG_ENTRIES), get(LKG_TTL));
    }

    public SloConfig slo() {
        return new SloConfig(get(SLO_TARGET), get(SLO_PERIOD));
    }

    public IdempotencySettings idempotency() {
        return IdempotencySettings.of(get(IDEMPOTENCY_STORE), get(IDEMPOTENCY_TTL));
    }

    /** The price file, or null for the shipped table. */
    public Path pricesFile() {
        return get(PRICES_FILE);
    }

    /** How a batch run is driven, for {@code workerId}. */
    public RunConfig runConfig(String workerId) {
        return RunConfig.ofDefaults()
                .withPollInterval(get(BATCH_POLL))
                .withMaxCost(get(BATCH_MAX_COST))
                .withDailyCap(get(BATCH_DAILY_CAP))
                .withMaxReplays(get(BATCH_MAX_REPLAYS))
                .withSyncFallback(get(BATCH_SYNC_FALLBACK), get(BATCH_LATENCY))
                .withWorker(workerId, get(BATCH_LEASE));
    }

    /** The route of batch runs and how the flex lane works. */
    public FlexConfig flexConfig() {
        return new FlexConfig(
                BatchRoute.parse(get(BATCH_ROUTE)),
                FlexFallback.parse(get(BATCH_FLEX_FALLBACK)),
                get(BATCH_FLEX_CONCURRENCY),
                get(BATCH_FLEX_TIMEOUT));
    }

    /** How batch input is split and checked. */
    public PlanConfig planConfig() {
        return new PlanConfig(
                get(BATCH_MAX_ITEMS), get(BATCH_CHUNK_SIZE), get(BATCH_LINE_SIZE), get(BATCH_OUTPUT_TOKENS), false);
    }

    /** The structured-output rollout. */
    public RolloutConfig rolloutConfig() {
        return new RolloutConfig(
                get(SCHEMA_VERSION),
                get(BASELINE_VERSION),
                get(CANARY_PERCENT),
                CompatFallback.parse(COMPAT_FALLBACK.key(), get(COMPAT_FALLBACK)),
                new AutoRollbackConfig(
                        get(AUTO_ROLLBACK),
                        get(AUTO_ROLLBACK_MARGIN),
                        get(AUTO_ROLLBACK_MIN_SAMPLES),
                        get(AUTO_ROLLBACK_WINDOW)),
                get(ROLLOUT_RELOAD));
    }

    /** The defaults of a realtime token request (model, voice, lifetime). */
    public TokenRequest tokenRequest() {
        return new TokenRequest(
                get(TOKEN_MODEL),
                get(TOKEN_VOICE),
                null,
                Math.toIntExact(get(TOKEN_TTL).toSeconds()));
    }

    /** How long before expiry a realtime token is rotated. */
    public Duration tokenRotationLead() {
        return get(TOKEN_ROTATION_LEAD);
    }

    @Override
    public String toString() {
        var sb = new StringBuilder("KeelConfig[");
        for (Entry e : entries()) {
            if (e.origin() != null && e.origin().kind() != Origin.Kind.DEFAULT) {
                sb.append(e.key()).append('=').append(e.value()).append(", ");
            }
        }
        return sb.append(']').toString();
    }
}
