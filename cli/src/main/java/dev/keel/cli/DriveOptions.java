package dev.keel.cli;

import dev.keel.batch.run.ReplayPolicy;
import dev.keel.batch.run.RunConfig;
import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of the commands that drive runs. */
final class DriveOptions {
    @Option(
            names = "--poll-interval",
            paramLabel = "DURATION",
            description = "Time between polls of a running batch (default: 30s; 200ms against the embedded emulator).")
    Duration pollInterval;

    @Option(
            names = "--max-cost",
            paramLabel = "USD",
            converter = OptionChecks.Money.class,
            description = "Ceiling for this run's batch spend (a finite USD amount >= 0).")
    Double maxCost;

    @Option(
            names = "--daily-cap",
            paramLabel = "USD",
            converter = OptionChecks.Money.class,
            description = "Ceiling for batch spend per UTC day, across runs (kept in the ledger; USD >= 0).")
    Double dailyCap;

    @Option(
            names = "--max-replays",
            paramLabel = "N",
            description = "Replays of a retryable failure before the manual queue (key batch.max-replays; default: 3).")
    Integer maxReplays;

    @Option(
            names = "--retryable",
            paramLabel = "CODE=CLASS",
            description = "Map a raw failure code to rate_limit, timeout, server_error or final (repeatable).")
    List<String> retryable = new ArrayList<>();

    @Option(
            names = "--sync-fallback",
            description =
                    "Near the latency tolerance, cancel the batch and send its unfinished items synchronously (sync price).")
    boolean syncFallback;

    @Option(
            names = "--latency-tolerance",
            paramLabel = "DURATION",
            description = "How late results may arrive: 1h, 6h or 24h (key batch.latency-tolerance; default: 24h).")
    Duration latencyTolerance;

    @Option(
            names = "--route",
            paramLabel = "ROUTE",
            description = "batch (the Batch API), flex (the synchronous pipeline at service_tier flex, Batch"
                    + " rates, results in minutes; the model needs a flex price) or auto (flex when"
                    + " --latency-tolerance is under 24h, every model has a flex price and items /"
                    + " --flex-concurrency x 1 min fits in half the tolerance; else batch). Key batch.route;"
                    + " default: batch.")
    String route;

    @Option(
            names = "--flex-fallback",
            paramLabel = "WHERE",
            description = "When flex keeps answering 429 past the retry budget: batch (a Batch API chunk),"
                    + " standard (the standard tier now, at standard price) or manual (the manual queue)."
                    + " Key batch.flex-fallback; default: batch.")
    String flexFallback;

    @Option(
            names = "--flex-concurrency",
            paramLabel = "N",
            description = "Flex calls in flight at once, 1-256 (key batch.flex-concurrency; default: 16).")
    Integer flexConcurrency;

    @Option(
            names = "--flex-timeout",
            paramLabel = "DURATION",
            description = "One flex attempt's cap (key batch.flex-timeout; default: 15m, OpenAI's guidance).")
    Duration flexTimeout;

    @Option(
            names = "--alert-threshold",
            paramLabel = "FRACTION",
            converter = OptionChecks.Ratio.class,
            description =
                    "Alert when final failures / input exceed this fraction, 0..1 (key batch.alert-threshold; default: 0.03).")
    Double alertThreshold;

    @Option(
            names = "--give-up-after",
            paramLabel = "DURATION",
            description = "Stop waiting for an upstream that cannot be reached after this long without getting"
                    + " through (exit 3; the run stays resumable; collect never waits). Key batch.give-up-after;"
                    + " default: 10m.")
    Duration giveUpAfter;

    @Option(
            names = "--lease",
            paramLabel = "DURATION",
            description = "How long this process owns the run and a chunk it works on before another may take"
                    + " them over; renewed every third of it while a call is in flight, at least"
                    + " --per-call-timeout (default: 2m; 60s for worker).")
    Duration lease;

    @Option(
            names = "--webhooks",
            description = "A keel serve with --webhook-secret receives OpenAI's batch webhooks for this ledger:"
                    + " a chunk is collected as soon as its batch.* event arrives; the upstream is polled"
                    + " only as a safety net, every 10 x --poll-interval, and the ledger is read every"
                    + " --poll-interval / 10 (at most 500ms) for chunks an event made due.")
    boolean webhooks;

    @Option(
            names = "--output-expires-after",
            paramLabel = "DURATION",
            description = "Ask for batch output and error files that expire this long after they are"
                    + " written (output_expires_after, 1h to 30d; default: the API's).")
    Duration outputExpiresAfter;

    /** The configured poll interval (batch.poll-interval); 200ms against the emulator unless set. */
    static Duration basePoll(KeelConfig cfg, boolean sandbox, String worker) {
        return sandbox && cfg.isDefault(Settings.BATCH_POLL)
                ? Duration.ofMillis(200)
                : cfg.runConfig(worker).pollInterval();
    }

    /**
     * With --webhooks, how often the ledger is re-read for chunks an event made due (a local read,
     * no upstream call): a tenth of the poll interval, at most 500 ms, at least 20 ms; else null.
     */
    Duration wakeEvery(KeelConfig cfg, boolean sandbox, String worker) {
        return webhooks
                ? Duration.ofMillis(Math.max(
                        20, Math.min(500, basePoll(cfg, sandbox, worker).toMillis() / 10)))
                : null;
    }

    /** --output-expires-after, or null. */
    Duration outputExpiresAfter() {
        return outputExpiresAfter;
    }

    /**
     * The run's configuration: batch.* keys; the poll interval is 200ms against the emulator unless
     * set, and with --webhooks ten times the interval (the safety net), with a lease that outlives it.
     */
    RunConfig runConfig(KeelConfig cfg, boolean sandbox, String worker, Duration lease) {
        Duration base = basePoll(cfg, sandbox, worker);
        Duration poll = webhooks ? base.multipliedBy(10) : base;
        if (webhooks && lease.compareTo(poll) <= 0) {
            lease = poll.multipliedBy(2); // a chunk lease outlives the safety-net poll interval
        }
        return cfg.runConfig(worker).withPollInterval(poll).withWorker(worker, lease);
    }

    ReplayPolicy policy() {
        return ReplayPolicy.ofDefaults().with(retryable);
    }
}
