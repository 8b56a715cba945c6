package dev.keel.config;

import static dev.keel.config.Setting.atLeast;
import static dev.keel.config.Setting.between;
import static dev.keel.config.Setting.durationBetween;
import static dev.keel.config.Setting.within;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key keel has, in the order the reference lists them. To add a knob: declare a {@link
 * Setting} here (key, type, default, doc, flags), read it where it is used with {@link
 * KeelConfig#get}, and regenerate {@code docs/configuration.md} ({@code ConfigReferenceTest} fails
 * until you do). Immutable.
 */
public final class Settings {

    private static final List<Setting<?>> ALL = new ArrayList<>();

    private static <T> Setting<T> add(Setting.Builder<T> b) {
        Setting<T> s = b.build();
        ALL.add(s);
        return s;
    }

    private static final Duration MS = Duration.ofMillis(1);
    private static final ValueType<URI> OTLP_URL = ValueType.url("http://127.0.0.1:4318");

    // upstream
    public static final Setting<URI> BASE_URL = add(Setting.of("upstream.base-url", ValueType.URL)
            .env("OPENAI_BASE_URL")
            .flags("--base-url")
            .defaultText("the real API with a key, else the embedded emulator")
            .doc("Any OpenAI-compatible base URL."));
    public static final Setting<String> API_KEY = add(Setting.of("upstream.api-key", ValueType.STRING)
            .env("OPENAI_API_KEY")
            .secret()
            .defaultText("unset: the embedded emulator (sandbox)")
            .doc("The API key. Prefer the environment variable to writing it in a file."));
    public static final Setting<String> ORGANIZATION = add(Setting.of("upstream.organization", ValueType.STRING)
            .env("OPENAI_ORG_ID")
            .doc("Sent as OpenAI-Organization."));
    public static final Setting<String> PROJECT = add(Setting.of("upstream.project", ValueType.STRING)
            .env("OPENAI_PROJECT_ID")
            .doc("Sent as OpenAI-Project."));
    public static final Setting<Boolean> H2C = add(Setting.of("upstream.h2c", ValueType.BOOLEAN)
            .defaultValue(false)
            .flags("--h2c")
            .doc("Speak cleartext HTTP/2 (prior knowledge) to a plain-http base URL known to support it."));
    public static final Setting<Boolean> REQUIRE_API_KEY = add(Setting.of("upstream.require-api-key", ValueType.BOOLEAN)
            .defaultValue(false)
            .env("KEEL_REQUIRE_API_KEY")
            .flags("--no-sandbox")
            .doc("Refuse to fall back to the embedded emulator when no API key is set (exit 2)."));

    // pool
    public static final Setting<Integer> MAX_CONNECTIONS = add(Setting.of("pool.max-connections", ValueType.INTEGER)
            .defaultValue(256)
            .check(atLeast(1))
            .doc("Connections one upstream may have open (HTTP/2 multiplexes many calls on each)."));
    public static final Setting<Duration> IDLE_TIMEOUT = add(Setting.of("pool.idle-timeout", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(90))
            .check(durationBetween(Duration.ZERO, null))
            .doc("How long an unused connection stays open."));
    public static final Setting<Boolean> HTTP2 = add(Setting.of("pool.http2", ValueType.BOOLEAN)
            .defaultValue(true)
            .doc("Offer HTTP/2 (h2 by ALPN over TLS); false speaks HTTP/1.1 only."));
    public static final Setting<Long> MAX_RESPONSE_SIZE = add(Setting.of("pool.max-response-size", ValueType.SIZE)
            .defaultValue(512L << 20)
            .check(v -> v < 1024 || v > Integer.MAX_VALUE
                    ? "must be between 1KB and 2047MB, was " + ValueType.SIZE.format(v)
                    : null)
            .doc("The largest buffered response body accepted."));

    // timeouts
    public static final Setting<Duration> BUSINESS_TIMEOUT = add(Setting.of("timeouts.business", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(30))
            .check(durationBetween(MS, null))
            .flags("--business-timeout")
            .doc("A call's whole budget, retries and waits included."));
    public static final Setting<Duration> PER_CALL_TIMEOUT = add(Setting.of("timeouts.per-call", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(25))
            .check(durationBetween(MS, null))
            .flags("--per-call-timeout")
            .doc("One attempt's cap; must be shorter than timeouts.business."));
    public static final Setting<Duration> CONNECT_TIMEOUT = add(Setting.of("timeouts.connect", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(5))
            .check(durationBetween(MS, null))
            .doc("TCP connect plus TLS handshake (an attempt is capped by timeouts.per-call as well)."));
    public static final Setting<Duration> CALLER_TIMEOUT = add(Setting.of("timeouts.caller", ValueType.DURATION)
            .check(durationBetween(MS, null))
            .defaultText("unset: not checked")
            .doc("The timeout of whatever calls keel (gateway, load balancer, your service); when set it must be"
                    + " longer than timeouts.business, or it gives up while keel still retries."));

    // traffic classes
    public static final Setting<Integer> ONLINE_IN_FLIGHT =
            add(Setting.of("traffic.online.in-flight", ValueType.INTEGER)
                    .defaultValue(64)
                    .check(between(1, 100_000))
                    .flags("--in-flight")
                    .live()
                    .doc("Online calls in flight at once (call, serve)."));
    public static final Setting<String> ONLINE_API_KEY = add(Setting.of("traffic.online.api-key", ValueType.STRING)
            .secret()
            .defaultText("upstream.api-key")
            .doc("A key of its own for online traffic."));
    public static final Setting<Integer> BATCH_IN_FLIGHT = add(Setting.of("traffic.batch.in-flight", ValueType.INTEGER)
            .defaultValue(64)
            .check(between(1, 100_000))
            .flags("--in-flight")
            .doc("Batch-traffic calls in flight at once (keel batch: uploads, creates, polls)."));
    public static final Setting<String> BATCH_API_KEY = add(Setting.of("traffic.batch.api-key", ValueType.STRING)
            .secret()
            .defaultText("upstream.api-key")
            .doc("A key of its own for batch traffic, so batch work never eats the online quota."));

    // retry
    public static final Setting<Integer> MAX_ATTEMPTS = add(Setting.of("retry.max-attempts", ValueType.INTEGER)
            .defaultValue(3)
            .check(between(1, 10))
            .doc("Attempts in all, the first included."));
    public static final Setting<Duration> BACKOFF_BASE = add(Setting.of("retry.backoff-base", ValueType.DURATION)
            .defaultValue(Duration.ofMillis(200))
            .check(durationBetween(MS, null))
            .doc("Full-jitter backoff: the first retry waits up to this."));
    public static final Setting<Duration> BACKOFF_CAP = add(Setting.of("retry.backoff-cap", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(2))
            .check(durationBetween(MS, null))
            .doc("Full-jitter backoff: no wait is longer; at least retry.backoff-base."));
    public static final Setting<Duration> MIN_ATTEMPT_TIME =
            add(Setting.of("retry.min-attempt-time", ValueType.DURATION)
                    .defaultValue(Duration.ofSeconds(1))
                    .check(durationBetween(Duration.ZERO, null))
                    .doc("A retry starts only when at least this much of the budget is left after its wait."));

    // retry budget
    public static final Setting<Duration> BUDGET_WINDOW = add(Setting.of("retry-budget.window", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(10))
            .check(durationBetween(Duration.ofSeconds(1), Duration.ofSeconds(60)))
            .doc("The window calls and retries are counted over."));
    public static final Setting<Double> BUDGET_RATIO = add(Setting.of("retry-budget.ratio", ValueType.NUMBER)
            .defaultValue(0.10)
            .check(within(0, false, 1, false))
            .doc("Retries allowed per call in the window (0.10: at most 10 % extra load)."));
    public static final Setting<Integer> BUDGET_MIN_PER_SECOND =
            add(Setting.of("retry-budget.min-per-second", ValueType.INTEGER)
                    .defaultValue(1)
                    .check(atLeast(0))
                    .doc("A floor so low traffic can still retry."));

    // breaker
    public static final Setting<Duration> BREAKER_WINDOW = add(Setting.of("breaker.window", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(30))
            .check(durationBetween(MS, null))
            .doc("One counting window; two bad windows in a row open the breaker."));
    public static final Setting<Integer> BREAKER_MIN_CALLS = add(Setting.of("breaker.min-calls", ValueType.INTEGER)
            .defaultValue(50)
            .check(atLeast(1))
            .doc("A window counts only with at least this many calls."));
    public static final Setting<Double> BREAKER_FAILURE_RATE = add(Setting.of("breaker.failure-rate", ValueType.NUMBER)
            .defaultValue(0.25)
            .check(within(0, true, 1, false))
            .doc("A window counts as bad when at least this share of its calls failed."));
    public static final Setting<Duration> BREAKER_OPEN_FOR = add(Setting.of("breaker.open-for", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(20))
            .check(durationBetween(MS, null))
            .doc("How long it stays open before letting probes through."));
    public static final Setting<Integer> BREAKER_PROBES = add(Setting.of("breaker.half-open-probes", ValueType.INTEGER)
            .defaultValue(1)
            .check(atLeast(1))
            .doc("Calls let through while half-open."));

    // degrade
    public static final Setting<Duration> DEGRADE_WINDOW = add(Setting.of("degrade.window", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(1))
            .check(durationBetween(Duration.ofSeconds(1), null))
            .doc("The sliding window the error rate is measured over."));
    public static final Setting<Integer> DEGRADE_MIN_CALLS = add(Setting.of("degrade.min-calls", ValueType.INTEGER)
            .defaultValue(100)
            .check(atLeast(0))
            .doc("The window must hold more than this many calls."));
    public static final Setting<Double> DEGRADE_ERROR_RATE = add(Setting.of("degrade.error-rate", ValueType.NUMBER)
            .defaultValue(0.20)
            .check(within(0, true, 1, true))
            .doc("Degraded when the share of failed calls is above this."));
    public static final Setting<Double> DEGRADE_CONCURRENCY =
            add(Setting.of("degrade.concurrency-factor", ValueType.NUMBER)
                    .defaultValue(0.5)
                    .check(within(0, true, 1, false))
                    .doc("While degraded, the in-flight limit is multiplied by this (1 keeps it)."));
    public static final Setting<String> DEGRADE_FALLBACK_MODEL =
            add(Setting.of("degrade.fallback-model", ValueType.STRING)
                    .defaultText("unset: keep the model")
                    .live()
                    .doc("While degraded, requests for any model go to this one."));

    // fallbacks
    public static final Setting<Integer> LKG_ENTRIES =
            add(Setting.of("fallback.last-known-good-entries", ValueType.INTEGER)
                    .defaultValue(10_000)
                    .check(atLeast(0))
                    .doc("Last-known-good answers kept for calls an open breaker refuses (0 keeps none)."));
    public static final Setting<Duration> LKG_TTL = add(Setting.of("fallback.last-known-good-ttl", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(10))
            .check(durationBetween(MS, null))
            .doc("How long a kept answer may still be served."));

    // SLO
    public static final Setting<Double> SLO_TARGET = add(Setting.of("slo.target", ValueType.NUMBER)
            .defaultValue(0.995)
            .check(within(0, true, 1, true))
            .doc("The share of calls that must succeed."));
    public static final Setting<Duration> SLO_PERIOD = add(Setting.of("slo.period", ValueType.DURATION)
            .defaultValue(Duration.ofDays(28))
            .check(durationBetween(Duration.ofHours(6), null))
            .doc("The period the objective spans."));

    // idempotency
    public static final Setting<String> IDEMPOTENCY_STORE = add(Setting.of("idempotency.store", ValueType.STRING)
            .defaultValue("memory")
            .check(IdempotencySettings::problem)
            .doc("Where idempotency records live: memory (one process), a JDBC URL (jdbc:postgresql://…,"
                    + " jdbc:sqlite:…) or a Redis URL (redis://…, rediss://…) shared by many processes; in a"
                    + " Spring Boot service also jdbc (the application's DataSource) or redis (the application's"
                    + " Redis connection)."));
    public static final Setting<Duration> IDEMPOTENCY_TTL = add(Setting.of("idempotency.ttl", ValueType.DURATION)
            .defaultValue(Duration.ofHours(24))
            .check(durationBetween(Duration.ofSeconds(1), null))
            .doc("How long a completed record answers a repeated key."));

    // prices
    public static final Setting<Path> PRICES_FILE = add(Setting.of("prices.file", ValueType.PATH)
            .flags("--prices")
            .defaultText("unset: the shipped table")
            .doc("A price file laid over the shipped table (keel prices --prices FILE checks it)."));

    // batch
    public static final Setting<String> BATCH_LEDGER = add(Setting.of("batch.ledger", ValueType.STRING)
            .defaultValue("jdbc:sqlite:.keel/keel.db")
            .check(v -> v.startsWith("jdbc:sqlite:") || v.startsWith("jdbc:postgresql:")
                    ? null
                    : "must be jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB, was '" + v + "'")
            .flags("--db")
            .doc("The ledger: jdbc:sqlite:PATH (one process) or jdbc:postgresql://HOST/DB (many workers)."));
    public static final Setting<Path> BATCH_RUN_DIR = add(Setting.of("batch.run-dir", ValueType.PATH)
            .defaultValue(Path.of(".keel", "runs"))
            .flags("--run-dir")
            .doc("Where each run keeps its chunk files, rejected lines and exports."));
    public static final Setting<Duration> BATCH_POLL = add(Setting.of("batch.poll-interval", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(30))
            .defaultText("30s; 200ms against the embedded emulator")
            .check(durationBetween(MS, null))
            .flags("--poll-interval")
            .doc("Time between polls of a running batch."));
    public static final Setting<Integer> BATCH_MAX_REPLAYS = add(Setting.of("batch.max-replays", ValueType.INTEGER)
            .defaultValue(3)
            .check(between(0, 10))
            .flags("--max-replays")
            .doc("Replays of a retryable failure before the manual queue."));
    public static final Setting<Double> BATCH_MAX_COST = add(Setting.of("batch.max-cost", ValueType.MONEY)
            .check(Settings::usd)
            .flags("--max-cost")
            .defaultText("unset: no ceiling")
            .doc("Ceiling for one run's batch spend, USD."));
    public static final Setting<Double> BATCH_DAILY_CAP = add(Setting.of("batch.daily-cap", ValueType.MONEY)
            .check(Settings::usd)
            .flags("--daily-cap")
            .defaultText("unset: no ceiling")
            .doc("Ceiling for batch spend per UTC day across runs, USD (kept in the ledger)."));
    public static final Setting<Duration> BATCH_LATENCY = add(Setting.of("batch.latency-tolerance", ValueType.DURATION)
            .defaultValue(Duration.ofHours(24))
            .check(durationBetween(Duration.ofMinutes(10), Duration.ofHours(24)))
            .flags("--latency-tolerance")
            .doc("How late results may arrive (the Batch API's window is 24h)."));
    public static final Setting<Boolean> BATCH_SYNC_FALLBACK = add(Setting.of("batch.sync-fallback", ValueType.BOOLEAN)
            .defaultValue(false)
            .flags("--sync-fallback")
            .doc("Near the latency tolerance, send unfinished items synchronously (sync price)."));
    public static final Setting<String> BATCH_ROUTE =
            add(Setting.of("batch.route", ValueType.choice("batch", "flex", "auto"))
                    .defaultValue("batch")
                    .flags("--route")
                    .doc("How a run's items are sent: the Batch API, flex (synchronous at service_tier flex, Batch"
                            + " rates), or auto (flex when the latency tolerance is under 24h, every model has a flex"
                            + " price and items / flex-concurrency x 1 min fits in half the tolerance; else batch)."));
    public static final Setting<String> BATCH_FLEX_FALLBACK =
            add(Setting.of("batch.flex-fallback", ValueType.choice("batch", "standard", "manual"))
                    .defaultValue("batch")
                    .flags("--flex-fallback")
                    .doc("Where an item goes when flex keeps answering 429 past the retry budget: a Batch API"
                            + " chunk, the standard tier (standard price), or the manual queue."));
    public static final Setting<Integer> BATCH_FLEX_CONCURRENCY =
            add(Setting.of("batch.flex-concurrency", ValueType.INTEGER)
                    .defaultValue(16)
                    .check(between(1, 256))
                    .flags("--flex-concurrency")
                    .doc("Flex calls in flight at once on the flex route."));
    public static final Setting<Duration> BATCH_FLEX_TIMEOUT = add(Setting.of("batch.flex-timeout", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(15))
            .check(durationBetween(MS, Duration.ofHours(1)))
            .flags("--flex-timeout")
            .doc("One flex attempt's cap (OpenAI's guidance for flex: 15 minutes)."));
    public static final Setting<Double> BATCH_ALERT = add(Setting.of("batch.alert-threshold", ValueType.NUMBER)
            .defaultValue(0.03)
            .check(within(0, false, 1, false))
            .flags("--alert-threshold")
            .doc("Alert when final failures / input exceed this fraction."));
    public static final Setting<Duration> BATCH_GIVE_UP = add(Setting.of("batch.give-up-after", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(10))
            .check(durationBetween(MS, null))
            .flags("--give-up-after")
            .doc("Stop waiting for an upstream that cannot be reached after this long (exit 3; resumable)."));
    public static final Setting<Duration> BATCH_LEASE = add(Setting.of("batch.lease", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(2))
            .defaultText("2m; 60s for keel batch worker")
            .check(durationBetween(MS, null))
            .flags("--lease")
            .doc("How long a process owns a run and a chunk before another may take them over; at least"
                    + " timeouts.per-call and longer than batch.poll-interval."));
    public static final Setting<Integer> BATCH_MAX_ITEMS = add(Setting.of("batch.max-items", ValueType.INTEGER)
            .defaultValue(500)
            .check(between(1, 50_000))
            .flags("--max-items")
            .doc("Requests per batch."));
    public static final Setting<Integer> BATCH_OUTPUT_TOKENS =
            add(Setting.of("batch.default-output-tokens", ValueType.INTEGER)
                    .defaultValue(1024)
                    .check(atLeast(0))
                    .flags("--default-output-tokens")
                    .doc("Output bound for cost ceilings when a request sets none."));

    public static final Setting<Long> BATCH_CHUNK_SIZE = add(Setting.of("batch.max-chunk-size", ValueType.SIZE)
            .defaultValue(200L << 20)
            .check(v -> v < 1024 || v > (200L << 20)
                    ? "must be between 1KB and 200MB (OpenAI's file limit), was " + ValueType.SIZE.format(v)
                    : null)
            .doc("Bytes per chunk file."));
    public static final Setting<Long> BATCH_LINE_SIZE = add(Setting.of("batch.max-line-size", ValueType.SIZE)
            .defaultValue(20L << 20)
            .check(v -> v < 1 ? "must be at least 1B, was " + ValueType.SIZE.format(v) : null)
            .doc("Bytes per input line (a longer line is refused, usually a missing newline); below"
                    + " batch.max-chunk-size."));

    public static final Setting<Duration> BATCH_QUEUE_WINDOW = add(Setting.of("batch.queue.window", ValueType.DURATION)
            .defaultValue(Duration.ofMinutes(15))
            .check(durationBetween(Duration.ofSeconds(1), Duration.ofHours(24)))
            .doc("A service's BatchQueue hands its waiting tasks to the ledger when the oldest has waited this"
                    + " long (or batch.max-items wait), whichever comes first."));
    public static final Setting<Integer> BATCH_QUEUE_CANARY =
            add(Setting.of("batch.queue.canary-percent", ValueType.INTEGER)
                    .defaultValue(5)
                    .check(between(0, 100))
                    .doc("The sticky share (0-100) of a service's offline-safe tasks its BatchQueue sends to"
                            + " batch; the rest stay synchronous. Grow it as replays stay stable."));

    // structured outputs
    public static final Setting<Path> SCHEMAS = add(Setting.of("structured-output.schemas", ValueType.PATH)
            .defaultValue(Path.of("schemas"))
            .flags("--schemas")
            .doc("The schemas folder (<name>/<version>.json)."));
    public static final Setting<String> SCHEMA = add(Setting.of("structured-output.schema", ValueType.STRING)
            .flags("--schema")
            .defaultText("unset: the only schema in the folder")
            .doc("The schema under rollout, when the folder holds several."));
    public static final Setting<String> STRUCTURED_MODEL = add(Setting.of("structured-output.model", ValueType.STRING)
            .defaultValue("gpt-4.1-mini")
            .doc("The model a structured call asks for (the Spring Boot starter's StructuredClient)."));
    public static final Setting<String> SCHEMA_VERSION =
            add(Setting.of("structured-output.schema-version", ValueType.STRING)
                    .env("STRUCTURED_OUTPUT_SCHEMA_VERSION")
                    .oneSource()
                    .live()
                    .defaultText("unset: the newest registered version")
                    .doc("The version the canary gets."));
    public static final Setting<String> BASELINE_VERSION =
            add(Setting.of("structured-output.baseline-version", ValueType.STRING)
                    .env("STRUCTURED_OUTPUT_BASELINE_VERSION")
                    .oneSource()
                    .live()
                    .defaultText("unset: the version registered before schema-version")
                    .doc("The version the rest of the traffic gets."));
    public static final Setting<Integer> CANARY_PERCENT =
            add(Setting.of("structured-output.canary-percent", ValueType.INTEGER)
                    .defaultValue(0)
                    .check(between(0, 100))
                    .env("STRUCTURED_OUTPUT_CANARY_PERCENT")
                    .oneSource()
                    .live()
                    .doc("The share of routing keys (0-100) that get schema-version."));
    public static final Setting<String> COMPAT_FALLBACK =
            add(Setting.of("structured-output.compat-fallback", ValueType.choice("0", "1", "force"))
                    .defaultValue("1")
                    .env("STRUCTURED_OUTPUT_COMPAT_FALLBACK")
                    .oneSource()
                    .live()
                    .doc("After a failed strict decode: 0 none, 1 the compat reader, force compat only (D35)."));
    public static final Setting<Duration> ROLLOUT_RELOAD =
            add(Setting.of("structured-output.reload-interval", ValueType.DURATION)
                    .defaultValue(Duration.ofSeconds(5))
                    .check(durationBetween(MS, null))
                    .doc("How often a running rollout picks up a changed configuration."));
    public static final Setting<Boolean> AUTO_ROLLBACK =
            add(Setting.of("structured-output.auto-rollback.enabled", ValueType.BOOLEAN)
                    .defaultValue(true)
                    .live()
                    .doc("Roll the canary back to 0 % by itself when it decodes worse than the baseline."));
    public static final Setting<Double> AUTO_ROLLBACK_MARGIN =
            add(Setting.of("structured-output.auto-rollback.margin", ValueType.NUMBER)
                    .defaultValue(0.05)
                    .check(within(0, true, 1, false))
                    .live()
                    .doc("How far the canary's compat + summary rate may exceed the baseline's (0.05 = 5 points)."));
    public static final Setting<Integer> AUTO_ROLLBACK_MIN_SAMPLES =
            add(Setting.of("structured-output.auto-rollback.min-samples", ValueType.INTEGER)
                    .defaultValue(200)
                    .check(atLeast(1))
                    .live()
                    .doc("Decodes each arm needs before the rates are compared."));
    public static final Setting<Integer> AUTO_ROLLBACK_WINDOW =
            add(Setting.of("structured-output.auto-rollback.window", ValueType.INTEGER)
                    .defaultValue(1000)
                    .check(atLeast(1))
                    .live()
                    .doc("How many of each arm's latest decodes are compared; at least min-samples."));

    // realtime token service
    public static final Setting<Duration> TOKEN_TTL = add(Setting.of("realtime.token.ttl", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(300))
            .check(durationBetween(Duration.ofSeconds(60), Duration.ofSeconds(300)))
            .doc("Lifetime of an ephemeral client secret when the request names none."));
    public static final Setting<Duration> TOKEN_ROTATION_LEAD =
            add(Setting.of("realtime.token.rotation-lead", ValueType.DURATION)
                    .defaultValue(Duration.ofSeconds(30))
                    .check(durationBetween(Duration.ofSeconds(1), null))
                    .doc("How long before expiry a token is replaced (rotate_at); shorter than realtime.token.ttl."));
    public static final Setting<String> TOKEN_MODEL = add(Setting.of("realtime.token.model", ValueType.STRING)
            .defaultValue("gpt-realtime")
            .doc("The realtime model when the request names none."));
    public static final Setting<String> TOKEN_VOICE = add(Setting.of("realtime.token.voice", ValueType.STRING)
            .defaultValue("alloy")
            .doc("The voice when the request names none."));
    public static final Setting<Integer> TOKEN_RATE =
            add(Setting.of("realtime.token.per-user-per-minute", ValueType.INTEGER)
                    .defaultValue(10)
                    .check(atLeast(1))
                    .flags("--token-rate")
                    .live()
                    .doc("Realtime tokens per user per minute."));
    public static final Setting<String> APP_TOKENS = add(Setting.of("realtime.app-tokens", ValueType.STRING)
            .map()
            .secret()
            .flags("--app-token")
            .defaultText("none: the token endpoint refuses everyone")
            .doc("App tokens allowed to ask for realtime tokens, by user: realtime.app-tokens.USER: TOKEN"
                    + " (--app-token TOKEN=USER)."));

    // keel serve
    public static final Setting<String> SERVE_HOST = add(Setting.of("serve.host", ValueType.STRING)
            .defaultValue("127.0.0.1")
            .flags("--host")
            .doc("Address keel serve binds."));
    public static final Setting<Integer> SERVE_PORT = add(Setting.of("serve.port", ValueType.INTEGER)
            .defaultValue(8787)
            .check(between(0, 65535))
            .flags("--port")
            .doc("Port keel serve listens on; 0 picks a free one."));
    public static final Setting<Duration> SERVE_BODY_TIMEOUT = add(Setting.of("serve.body-timeout", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(10))
            .check(durationBetween(MS, null))
            .flags("--body-timeout")
            .doc("How long a client may take to send a request body before it is refused with 408."));
    public static final Setting<Duration> SERVE_RELOAD = add(Setting.of("serve.reload-interval", ValueType.DURATION)
            .defaultValue(Duration.ofSeconds(2))
            .check(durationBetween(Duration.ofMillis(100), null))
            .doc("How often keel serve checks the configuration file for changes."));

    // tracing (the CLI, keel serve, keel gateway and the batch commands; the Spring Boot starter traces
    // into the application's own OpenTelemetry instead, see spring.tracing.enabled)
    public static final Setting<URI> TRACING_OTLP_ENDPOINT = add(Setting.of("tracing.otlp-endpoint", OTLP_URL)
            .env("OTEL_EXPORTER_OTLP_ENDPOINT")
            .flags("--otlp-endpoint")
            .defaultText("unset: no tracing, and nothing of OpenTelemetry starts")
            .doc("Send traces of every upstream call over OTLP/HTTP (protobuf) to this collector, e.g."
                    + " http://127.0.0.1:4318; spans go to URL/v1/traces."));
    public static final Setting<Double> TRACING_SAMPLE_RATIO = add(Setting.of("tracing.sample-ratio", ValueType.NUMBER)
            .defaultValue(1.0)
            .check(within(0, true, 1, false))
            .flags("--trace-sample-ratio")
            .doc("The share of traces recorded when tracing is on (by trace id; a call inside a caller's"
                    + " trace, or a gateway request carrying a traceparent, follows that trace's decision)."));

    // the Spring Boot starter's switches (keel serve and the CLI do not read them)
    public static final Setting<Boolean> SPRING_OPENAI_CLIENT = add(Setting.of(
                    "spring.openai-client.enabled", ValueType.BOOLEAN)
            .defaultValue(true)
            .doc("Spring Boot starter: auto-configure the OpenAI SDK client on keel (needs keel-openai-java)."));
    public static final Setting<Boolean> SPRING_STRUCTURED =
            add(Setting.of("spring.structured.enabled", ValueType.BOOLEAN)
                    .defaultValue(true)
                    .doc("Spring Boot starter: auto-configure the schema registry, rollout and StructuredClient when"
                            + " the structured-output.schemas folder exists."));
    public static final Setting<Boolean> SPRING_BATCH_QUEUE =
            add(Setting.of("spring.batch-queue.enabled", ValueType.BOOLEAN)
                    .defaultValue(false)
                    .doc("Spring Boot starter: auto-configure a BatchQueue that plans its flushed tasks as runs in"
                            + " batch.ledger (off by default: it opens the ledger at start-up)."));
    public static final Setting<Boolean> SPRING_TRACING = add(Setting.of("spring.tracing.enabled", ValueType.BOOLEAN)
            .defaultValue(true)
            .doc("Spring Boot starter: trace keel's calls (docs/observability.md) into the application's"
                    + " OpenTelemetry bean when it has one; the tracing.* keys are the CLI's."));
    public static final Setting<Boolean> SPRING_TOKEN_SERVICE =
            add(Setting.of("spring.token-service.enabled", ValueType.BOOLEAN)
                    .defaultValue(true)
                    .doc("Spring Boot starter: auto-configure the realtime TokenService from realtime.token.* and"
                            + " realtime.app-tokens."));

    // keel gateway
    public static final Setting<Path> GATEWAY_KEYS = add(Setting.of("gateway.keys", ValueType.PATH)
            .flags("--keys", "--gateway-keys")
            .defaultText("unset: keel gateway refuses to start; keel serve runs no gateway")
            .doc("The gateway keys file (JSON; keel gateway key makes an entry). Edits are applied while the"
                    + " gateway runs; a file that fails its checks is refused and the keys in force stay."));
    public static final Setting<Duration> GATEWAY_KEYS_RELOAD =
            add(Setting.of("gateway.keys-reload-interval", ValueType.DURATION)
                    .defaultValue(Duration.ofSeconds(2))
                    .check(durationBetween(Duration.ofMillis(100), null))
                    .doc("How often the gateway checks its keys file for changes."));
    public static final Setting<String> GATEWAY_HOST = add(Setting.of("gateway.host", ValueType.STRING)
            .defaultValue("127.0.0.1")
            .flags("--host")
            .doc("Address keel gateway binds (keel serve's gateway binds serve.host)."));
    public static final Setting<Integer> GATEWAY_PORT = add(Setting.of("gateway.port", ValueType.INTEGER)
            .defaultValue(8788)
            .check(between(0, 65535))
            .flags("--port", "--gateway-port")
            .doc("Port the gateway listens on; 0 picks a free one."));
    public static final Setting<Long> GATEWAY_MAX_BODY = add(Setting.of("gateway.max-body", ValueType.SIZE)
            .defaultValue(32L << 20)
            .check(v -> v < 1024 || v > Integer.MAX_VALUE
                    ? "must be between 1KB and 2047MB, was " + ValueType.SIZE.format(v)
                    : null)
            .flags("--max-body")
            .doc("The largest request body accepted; a larger one gets 413 before it is read whole."));
    public static final Setting<Duration> GATEWAY_BODY_TIMEOUT =
            add(Setting.of("gateway.body-timeout", ValueType.DURATION)
                    .defaultValue(Duration.ofSeconds(10))
                    .check(durationBetween(MS, null))
                    .flags("--body-timeout")
                    .doc("How long a client may take to send its request body before it gets 408."));
    public static final Setting<Integer> GATEWAY_OUTPUT_TOKENS =
            add(Setting.of("gateway.default-output-tokens", ValueType.INTEGER)
                    .defaultValue(4096)
                    .check(atLeast(1))
                    .flags("--default-output-tokens")
                    .doc("Output bound assumed for token limits and spend caps when a request sets none."));
    public static final Setting<Duration> GATEWAY_IDEMPOTENCY_WAIT =
            add(Setting.of("gateway.idempotency-wait", ValueType.DURATION)
                    .defaultValue(Duration.ofSeconds(30))
                    .check(durationBetween(Duration.ZERO, null))
                    .doc("How long a duplicate of an in-flight Idempotency-Key call waits for the first one's"
                            + " answer before it gets 409."));
    public static final Setting<Integer> GATEWAY_WORKER_THREADS =
            add(Setting.of("gateway.worker-threads", ValueType.INTEGER)
                    .defaultValue(0)
                    .check(v -> v == 0 || (v >= 8 && v <= 100_000) ? null : "must be 0 or 8..100000, was " + v)
                    .doc("0: each request on a virtual thread of its own; N: a pool of N platform threads (every call"
                            + " in flight, a long stream too, holds one, and calls past N wait; no clear latency gain"
                            + " over virtual threads measured, docs/benchmarks.md)."));
    public static final Setting<String> GATEWAY_REDIS = add(Setting.of("gateway.redis", ValueType.STRING)
            .check(v -> v.startsWith("redis://") || v.startsWith("rediss://")
                    ? null
                    : "must be a Redis URL (redis://HOST:PORT or rediss://...), was '" + Redaction.url(v) + "'")
            .flags("--redis")
            .defaultText("unset: this process only")
            .doc("Share rate limits, spend and Idempotency-Key records with every gateway process through this"
                    + " Redis."));
    public static final Setting<String> GATEWAY_JDBC = add(Setting.of("gateway.jdbc", ValueType.STRING)
            .check(v -> v.startsWith("jdbc:postgresql:")
                    ? null
                    : "must be a PostgreSQL URL (jdbc:postgresql://HOST/DB), was '" + Redaction.url(v) + "'")
            .flags("--jdbc")
            .defaultText("unset: gateway.redis, else this process")
            .doc("Keep spend and Idempotency-Key records in this PostgreSQL instead (rate limits need"
                    + " gateway.redis to be shared)."));
    public static final Setting<Integer> GATEWAY_KEY_RPM =
            add(Setting.of("gateway.key-defaults.requests-per-minute", ValueType.INTEGER)
                    .defaultValue(0)
                    .check(atLeast(0))
                    .doc("Requests per minute for a key that leaves requests_per_minute out (0: no limit)."));
    public static final Setting<Integer> GATEWAY_KEY_TPM =
            add(Setting.of("gateway.key-defaults.tokens-per-minute", ValueType.INTEGER)
                    .defaultValue(0)
                    .check(atLeast(0))
                    .doc("Tokens per minute for a key that leaves tokens_per_minute out (0: no limit)."));
    public static final Setting<Integer> GATEWAY_KEY_CONCURRENCY =
            add(Setting.of("gateway.key-defaults.concurrency", ValueType.INTEGER)
                    .defaultValue(0)
                    .check(atLeast(0))
                    .doc("Calls in flight at once for a key that leaves concurrency out (0: no limit)."));
    public static final Setting<Double> GATEWAY_KEY_DAILY =
            add(Setting.of("gateway.key-defaults.daily-usd", ValueType.MONEY)
                    .check(Settings::usd)
                    .defaultText("unset: no cap")
                    .doc("Daily spend cap (UTC), USD, for a key that leaves daily_usd out."));
    public static final Setting<Double> GATEWAY_KEY_MONTHLY =
            add(Setting.of("gateway.key-defaults.monthly-usd", ValueType.MONEY)
                    .check(Settings::usd)
                    .defaultText("unset: no cap")
                    .doc("Monthly spend cap (UTC), USD, for a key that leaves monthly_usd out."));
    public static final Setting<Boolean> GATEWAY_REFUSE_NESTED =
            add(Setting.of("gateway.key-defaults.refuse-nested-retries", ValueType.BOOLEAN)
                    .defaultValue(false)
                    .doc("Refuse an SDK's own retries (X-Stainless-Retry-Count > 0) while the upstream fails, for a"
                            + " key that leaves refuse_nested_retries out."));

    private static final List<Setting<?>> VIEW = Collections.unmodifiableList(ALL);
    private static final Map<String, Setting<?>> BY_KEY = index();

    private Settings() {}

    private static String usd(Double v) {
        return v < 0 ? "must be at least 0 USD, was " + ValueType.MONEY.format(v) : null;
    }

    private static Map<String, Setting<?>> index() {
        var m = new LinkedHashMap<String, Setting<?>>();
        for (Setting<?> s : ALL) {
            if (m.put(s.key(), s) != null) {
                throw new IllegalStateException("two settings at " + s.key());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Every setting, in reference order. */
    public static List<Setting<?>> all() {
        return VIEW;
    }

    /** The setting a canonical key belongs to: itself, or the map setting it is an entry of. */
    public static Optional<Setting<?>> find(String key) {
        Setting<?> s = BY_KEY.get(key);
        if (s != null) {
            return s.map() ? Optional.empty() : Optional.of(s);
        }
        int dot = key.lastIndexOf('.');
        while (dot > 0) {
            Setting<?> parent = BY_KEY.get(key.substring(0, dot));
            if (parent != null && parent.map()) {
                return Optional.of(parent);
            }
            dot = key.lastIndexOf('.', dot - 1);
        }
        return Optional.empty();
    }

    /** The map setting whose entries sit under {@code prefix}, if it is one. */
    static Optional<Setting<?>> mapAt(String prefix) {
        Setting<?> s = BY_KEY.get(prefix);
        return s != null && s.map() ? Optional.of(s) : Optional.empty();
    }

    /** The keys (and map prefixes) known, for "did you mean". */
    static List<String> keys() {
        return List.copyOf(BY_KEY.keySet());
    }
}
