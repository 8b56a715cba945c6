package dev.keel.cli;

import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.OrphanRecord;
import dev.keel.batch.ledger.RunClaims;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.ledger.RunUpstream;
import dev.keel.batch.ledger.WorkerIdentity;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.LeaseKeeper;
import dev.keel.batch.run.OrphanSweeper;
import dev.keel.batch.run.ProgressListener;
import dev.keel.batch.run.ReplayPolicy;
import dev.keel.batch.run.RunConfig;
import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.time.Sleeper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a batch command works with: the ledger, the price table and — for commands that call
 * upstream — one client on keel's pipeline (batch traffic class, its own in-flight limit; batch
 * creation one attempt per call) and the runner.
 */
final class BatchSession implements AutoCloseable {

    final Ledger ledger;
    final PriceTable prices;
    private UpstreamOptions.Upstream upstream;
    private KeelClient client;
    private LeaseKeeper keeper;

    /** Traces of the upstream calls, when switched on (closed last). */
    TracingOptions.Tracing tracing;

    private final String dbUrl;

    private BatchSession(Ledger ledger, PriceTable prices, String dbUrl) {
        this.ledger = ledger;
        this.prices = prices;
        this.dbUrl = dbUrl;
    }

    /** Opens the ledger ({@code batch.ledger}, {@code --db}) with the price table of {@code prices.file}. */
    static BatchSession open(dev.keel.config.KeelConfig cfg) {
        PriceTable prices = PricesOption.table(cfg);
        String db = cfg.get(dev.keel.config.Settings.BATCH_LEDGER);
        return new BatchSession(new Ledger(Database.open(db)), prices, db);
    }

    /** Connects upstream (the embedded emulator in sandbox mode) and builds a runner. */
    BatchRunner runner(
            UpstreamOptions options,
            dev.keel.config.KeelConfig cfg,
            Map<String, String> env,
            PrintWriter err,
            java.util.function.Function<Boolean, RunConfig> configFor,
            ReplayPolicy policy,
            ProgressListener progress) {
        return runner(options, cfg, env, err, configFor, policy, progress, DEFAULT_GIVE_UP);
    }

    /** {@link #runner} that gives up after {@code giveUpAfter} without getting through to the upstream. */
    BatchRunner runner(
            UpstreamOptions options,
            dev.keel.config.KeelConfig cfg,
            Map<String, String> env,
            PrintWriter err,
            java.util.function.Function<Boolean, RunConfig> configFor,
            ReplayPolicy policy,
            ProgressListener progress,
            java.time.Duration giveUpAfter) {
        options.sandboxData = sandboxDir(dbUrl);
        upstream = options.resolve(cfg, TrafficClass.BATCH, env, err);
        RunConfig config = configFor.apply(upstream.mode() == UpstreamOptions.Mode.SANDBOX);
        var base =
                upstream.config().toBuilder().trafficClass(TrafficClass.BATCH).build();
        client = TracingOptions.installed(tracing, KeelClient.builder(base), base)
                .build();
        return new BatchRunner(
                ledger, client, prices, policy, config, Clock.systemUTC(), Sleeper.SYSTEM, progress, giveUpAfter);
    }

    /** The default of {@code --give-up-after}. */
    static final java.time.Duration DEFAULT_GIVE_UP = java.time.Duration.ofMinutes(10);

    /**
     * Where the embedded emulator keeps its files and batches: {@code sandbox/} next to a SQLite
     * ledger (so {@code .keel/sandbox} by default), else {@code .keel/sandbox}.
     */
    static Path sandboxDir(String dbUrl) {
        if (dbUrl != null && dbUrl.startsWith("jdbc:sqlite:")) {
            String path = dbUrl.substring("jdbc:sqlite:".length());
            int q = path.indexOf('?');
            Path file = Path.of(q < 0 ? path : path.substring(0, q)).toAbsolutePath();
            return file.getParent().resolve("sandbox");
        }
        return Path.of(".keel", "sandbox").toAbsolutePath();
    }

    /**
     * Records this session's upstream for {@code runId} in the ledger.
     *
     * @throws IllegalArgumentException when the run was started against the sandbox and this
     *     session talks to a real upstream, or the reverse
     */
    void bindUpstream(String runId) {
        if (upstream != null) {
            RunUpstream.bind(ledger, runId, upstream.label());
        }
    }

    /**
     * Claims {@code runId} for this process (see {@link RunClaims}) and keeps its leases renewed until
     * the session closes.
     *
     * @throws dev.keel.batch.ledger.RunBusyException when another live process drives the run
     */
    void claim(String runId, WorkerIdentity me, String command, Duration lease) {
        keeper = LeaseKeeper.claim(
                new RunClaims(ledger, RunClaims.SYSTEM_PIDS),
                runId,
                me,
                command,
                lease,
                Clock.systemUTC(),
                Sleeper.SYSTEM);
    }

    /** Keeps the chunk leases of a worker that claims no run renewed until the session closes. */
    void keepLeases(WorkerIdentity me, Duration lease) {
        keeper = new LeaseKeeper(
                        new RunClaims(ledger, RunClaims.SYSTEM_PIDS),
                        me.id(),
                        null,
                        lease,
                        Clock.systemUTC(),
                        Sleeper.SYSTEM)
                .start();
    }

    /** The keeper of this session's leases, or null before {@link #claim}/{@link #keepLeases}. */
    LeaseKeeper keeper() {
        return keeper;
    }

    /** The process driving {@code runId} now, if any. */
    java.util.Optional<dev.keel.batch.ledger.ClaimHolder> driver(String runId) {
        return new RunClaims(ledger, RunClaims.SYSTEM_PIDS).holder(runId);
    }

    /** True while this process still drives its run. @throws dev.keel.batch.ledger.RunBusyException once another took it over */
    boolean stillHeld() {
        keeper.checkHeld();
        return true;
    }

    /** Cancels or adopts {@code runId}'s orphan batches upstream (needs {@link #runner} first). */
    List<OrphanRecord> sweep(String runId, WorkerIdentity me) {
        try {
            return new OrphanSweeper(ledger, client, me.id(), Clock.systemUTC()).sweep(runId);
        } catch (dev.keel.core.error.KeelException e) {
            if (!e.kind().retryable()) {
                throw e;
            }
            org.slf4j.LoggerFactory.getLogger(BatchSession.class)
                    .warn(
                            "run={}: the orphan sweep could not list batches ({}); it runs again at the next start",
                            runId,
                            e.getMessage());
            return List.of();
        }
    }

    boolean sandbox() {
        return upstream != null && upstream.mode() == UpstreamOptions.Mode.SANDBOX;
    }

    /**
     * The run named by {@code runId}, else the newest.
     *
     * @throws IllegalArgumentException when there is none, saying how to start one
     */
    RunRecord run(String runId) {
        if (runId != null) {
            return ledger.run(runId)
                    .orElseThrow(() -> new IllegalArgumentException("no run '" + runId + "' in " + ledger.database()
                            + "; list the runs with 'keel batch runs' (same --db)"));
        }
        return ledger.latestRun()
                .orElseThrow(() -> new IllegalArgumentException("the ledger " + ledger.database()
                        + " has no runs yet; start one with 'keel batch run FILE.jsonl'"));
    }

    static Path runDir(dev.keel.config.KeelConfig cfg, String runId) {
        return cfg.get(dev.keel.config.Settings.BATCH_RUN_DIR).resolve(runId);
    }

    @Override
    public void close() {
        if (keeper != null) {
            keeper.close();
        }
        if (client != null) {
            client.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (tracing != null) {
            tracing.close();
        }
    }
}
