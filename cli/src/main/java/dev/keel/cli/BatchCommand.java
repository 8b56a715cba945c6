package dev.keel.cli;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.RunBusyException;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.ledger.WorkerIdentity;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanOrResume;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RequestReuse;
import dev.keel.batch.plan.RunInput;
import dev.keel.batch.report.ReplayBuilder;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.batch.report.SandboxMark;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.LeaseKeeper;
import dev.keel.batch.run.ProgressListener;
import dev.keel.batch.run.ReplayPolicy;
import dev.keel.batch.run.RunConfig;
import dev.keel.batch.run.RunOutcome;
import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import dev.keel.wire.json.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keel batch}: move delay-tolerant work to the Batch API at half price, losing and duplicating nothing. */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = {
            "Run JSONL request files through the Batch API at half the synchronous price.",
            "Validate, split, price against ceilings, submit, poll, collect, replay retryable failures "
                    + "at most 3 times, report. Every step is recorded in a ledger first, so a rerun after a "
                    + "crash resumes without losing or duplicating an item. Running the same file again resumes "
                    + "(or reports) its run."
        },
        subcommands = {
            BatchCommand.Run.class,
            BatchCommand.Submit.class,
            BatchCommand.Status.class,
            BatchCommand.Collect.class,
            BatchCommand.Replay.class,
            BatchCommand.Report.class,
            BatchCommand.Cancel.class,
            BatchCommand.Worker.class,
            BatchRunsCommand.class
        })
final class BatchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options of the commands that drive runs. */
    static final class DriveOptions {
        @Option(
                names = "--poll-interval",
                paramLabel = "DURATION",
                description =
                        "Time between polls of a running batch (default: 30s; 200ms against the embedded emulator).")
        String pollInterval;

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
                description =
                        "Replays of a retryable failure before the manual queue (key batch.max-replays; default: 3).")
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
        String latencyTolerance;

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
        String giveUpAfter;

        @Option(
                names = "--lease",
                paramLabel = "DURATION",
                description = "How long this process owns the run and a chunk it works on before another may take"
                        + " them over; renewed every third of it while a call is in flight, at least"
                        + " --per-call-timeout (default: 2m; 60s for worker).")
        String lease;

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
        String outputExpiresAfter;

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
            return outputExpiresAfter == null
                    ? null
                    : UpstreamOptions.duration("--output-expires-after", outputExpiresAfter);
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

    /** Options of the commands that plan input. */
    static final class PlanOptions {
        @Option(
                names = "--max-items",
                paramLabel = "N",
                description = "Requests per batch (key batch.max-items; default: 500; at most 50000).")
        Integer maxItems;

        @Option(
                names = "--default-output-tokens",
                paramLabel = "N",
                description = "Output bound for cost ceilings when a request sets none (key"
                        + " batch.default-output-tokens; default: 1024).")
        Integer defaultOutputTokens;

        @Option(
                names = "--skip-invalid",
                description = "Move bad lines to rejected.jsonl (with reasons) and go on, instead of refusing the run.")
        boolean skipInvalid;

        @Option(
                names = "--new-run",
                description = "Plan the file as a new run even if a run of the same content exists.")
        boolean newRun;

        @Option(
                names = "--no-reuse",
                description = "Submit every request, even one whose same request already succeeded in an earlier"
                        + " run of this ledger (by default its result is reused and not paid again).")
        boolean noReuse;

        PlanConfig config(KeelConfig cfg) {
            return cfg.planConfig().withSkipInvalid(skipInvalid);
        }
    }

    /** Shared plumbing of the subcommands. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Mixin
        BatchOptions batch;

        /** The environment the upstream is read from; tests replace it. */
        Map<String, String> env = System.getenv();

        /** The effective configuration (flags, environment, keel.yaml), read once. */
        KeelConfig cfg() {
            return config.load(env);
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        void quietOnTerminal() {
            if (System.console() != null) {
                ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.keel.batch")).setLevel(Level.WARN);
            }
        }

        /** Plans {@code file} unless a run of the same content exists; null when the input was refused. */
        RunRecord planOrResume(BatchSession s, Path file, PlanOptions plan) {
            RunInput input = plan.newRun ? RunInput.fresh(file, Clock.systemUTC()) : RunInput.of(file);
            claimRun(s, input.runId());
            var planner = new Planner(plan.config(cfg()), s.prices, s.ledger, Clock.systemUTC()).withReuse(reuse(plan));
            return switch (new PlanOrResume(planner, s.ledger).start(input, cfg().get(Settings.BATCH_RUN_DIR))) {
                case PlanOrResume.Resumed r -> {
                    err().println("keel: resuming run " + r.runId() + " of " + file
                            + " (same content; --new-run plans it again)");
                    err().flush();
                    yield r.run();
                }
                case PlanOrResume.Planned p -> {
                    printPlan(p.plan(), BatchSession.runDir(cfg(), p.runId()), plan.skipInvalid);
                    yield p.run().orElse(null);
                }
            };
        }

        /** Claims {@code runId} for this process before it is planned or driven; only driving commands do. */
        void claimRun(BatchSession s, String runId) {}

        /** Whether and for which upstream a plan reuses earlier answers; none for commands that call no upstream. */
        RequestReuse reuse(PlanOptions plan) {
            return RequestReuse.NONE;
        }

        void printPlan(PlanResult r, Path dir, boolean skip) {
            for (var c : r.changed()) {
                err().println("keel: warning: " + c);
            }
            if (r.changedCount() > r.changed().size()) {
                err().println("keel: warning: ... and "
                        + (r.changedCount() - r.changed().size())
                        + " more custom_ids reappear with a different request (" + r.changedCount() + " in all)");
            }
            for (var p : r.problems()) {
                err().println(p);
            }
            if (r.problemCount() > r.problems().size()) {
                err().println("... and " + (r.problemCount() - r.problems().size()) + " more; all " + r.problemCount()
                        + " are in " + dir.resolve("problems.txt"));
            }
            if (r.noRequests()) {
                err().println("keel: the input was refused: it holds no request; nothing was submitted.");
                err().flush();
                return;
            }
            if (!r.accepted()) {
                err().println(
                                "keel: " + r.problemCount() + " of " + r.lines() + " lines are invalid; nothing was"
                                        + " submitted. Fix them, or rerun with --skip-invalid to move them to rejected.jsonl and go on.");
                err().flush();
                return;
            }
            err().printf(
                            Locale.ROOT,
                            "keel: planned %s: %d items in %d chunks%s%s; estimate $%.6f at batch prices vs $%.6f sync"
                                    + " (input %d tokens exact, output <= %d)%n",
                            r.runId(),
                            r.items(),
                            r.chunks(),
                            r.reused() > 0
                                    ? ", " + r.reused() + " reused from earlier runs (same request already"
                                            + " succeeded; --no-reuse submits them)"
                                    : "",
                            r.problemCount() > 0 && skip
                                    ? ", " + r.problemCount() + " lines rejected to " + dir.resolve("rejected.jsonl")
                                    : "",
                            r.estBatchUsd(),
                            r.estSyncUsd(),
                            r.estInputTokens(),
                            r.estOutputTokens());
            err().flush();
        }

        /** Finishes a driven run: exports, report, exit code. */
        int conclude(BatchSession s, RunOutcome outcome, RunRecord run, DriveOptions drive) {
            return switch (outcome) {
                case RunOutcome.Held h -> {
                    printReport(s, run.runId(), drive);
                    err().println("keel: cost ceiling reached: " + h.heldItems() + " items stay pending, nothing more"
                            + " was submitted (" + String.join("; ", h.reasons()) + "). Resume with the same command"
                            + " and a higher --max-cost/--daily-cap, or after midnight UTC for the daily cap.");
                    err().flush();
                    yield ExitCodes.COST_CEILING;
                }
                case RunOutcome.Finished f -> {
                    Path dir = Path.of(run.runDir());
                    new Reports(s.ledger, s.prices).export(run.runId(), dir);
                    printReport(s, run.runId(), drive);
                    err().println("keel: results in " + dir.resolve("results.jsonl") + ", failures in "
                            + dir.resolve("failed.jsonl") + ", manual queue in " + dir.resolve("manual.jsonl"));
                    err().flush();
                    yield f.failed() > 0 ? ExitCodes.JOB_FAILURES : ExitCodes.OK;
                }
            };
        }

        void printReport(BatchSession s, String runId, DriveOptions drive) {
            RunReport r = new Reports(s.ledger, s.prices)
                    .report(runId, cfg().get(Settings.BATCH_DAILY_CAP), cfg().get(Settings.BATCH_ALERT));
            if (batch.format == OutputFormat.json) {
                out().println(Json.write(SandboxMark.json(s.ledger, runId, BatchJson.report(r))));
            } else {
                out().print(SandboxMark.text(s.ledger, runId, r.toText()));
            }
            out().flush();
        }
    }

    /** A command that calls upstream and drives runs. */
    abstract static class Driving extends Base {
        @Mixin
        UpstreamOptions upstream;

        @ArgGroup(exclusive = false, heading = "Driving%n")
        DriveOptions drive = new DriveOptions();

        /** Who this command is in the ledger's leases: host, pid and a fresh nonce. */
        final WorkerIdentity me = WorkerIdentity.current(new SplittableRandom());

        /** A runner for this process; its leases are this command's own (see {@link WorkerIdentity}). */
        BatchRunner localRunner(BatchSession s, ProgressListener listener) {
            Duration giveUp = cfg().get(Settings.BATCH_GIVE_UP);
            Duration lease = lease();
            BatchRunner runner = s.runner(
                    upstream,
                    cfg(),
                    env,
                    err(),
                    sandbox -> drive.runConfig(cfg(), sandbox, me.id(), lease),
                    drive.policy(),
                    guarded(s, listener),
                    giveUp);
            boolean sandbox = s.sandbox();
            return runner.wakeEvery(drive.wakeEvery(cfg(), sandbox, me.id()))
                    .outputExpiresAfter(drive.outputExpiresAfter());
        }

        String defaultLease() {
            return "2m";
        }

        /** --lease, refused when a single call can outlast it. */
        Duration lease() {
            Duration lease = cfg().isDefault(Settings.BATCH_LEASE)
                    ? UpstreamOptions.duration("--lease", defaultLease())
                    : cfg().get(Settings.BATCH_LEASE);
            LeaseKeeper.requireOutlives(lease, cfg().get(Settings.PER_CALL_TIMEOUT));
            return lease;
        }

        @Override
        void claimRun(BatchSession s, String runId) {
            s.claim(runId, me, spec.name(), lease());
        }

        /** {@code listener}, stopping the command if another process takes the run over. */
        ProgressListener guarded(BatchSession s, ProgressListener listener) {
            return s.keeper() == null ? listener : s.keeper().guard(listener);
        }

        @Override
        RequestReuse reuse(PlanOptions plan) {
            return UpstreamIdentity.reuse(cfg(), plan.noReuse);
        }

        ProgressPrinter progress() {
            return new ProgressPrinter(err(), System.console() != null);
        }
    }

    /** A command that plans an input file, then drives its run. */
    abstract static class FileDriving extends Driving {
        @Parameters(paramLabel = "FILE", description = "JSONL: one {custom_id, method, url, body} per line.")
        Path file;

        @ArgGroup(exclusive = false, heading = "Planning%n")
        PlanOptions plan = new PlanOptions();
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Plan FILE (or resume its run), submit every chunk, poll, collect, replay, export and " + "report.",
                "Exit 0 all ok, 1 some items ended in the manual queue, 2 invalid input, 3 upstream "
                        + "unavailable, 4 a cost ceiling held items back, 5 another live process drives this run "
                        + "(nothing was submitted; the message names it)."
            })
    static final class Run extends FileDriving {
        @Mixin
        TracingOptions tracing;

        @Mixin
        LogOptions logs;

        @Override
        public Integer call() throws InterruptedException {
            logs.apply(env);
            quietOnTerminal();
            try (var s = BatchSession.open(cfg())) {
                RunRecord run = planOrResume(s, file, plan);
                if (run == null) {
                    return ExitCodes.BAD_INPUT;
                }
                s.tracing = tracing.open(env, "keel-batch");
                BatchRunner runner = localRunner(s, progress());
                if (s.tracing != null) {
                    runner.openTelemetry(s.tracing.sdk()); // run and chunk-step spans, the calls under them
                }
                s.bindUpstream(run.runId());
                s.sweep(run.runId(), me);
                RunOutcome outcome = runner.drive(run.runId());
                s.sweep(run.runId(), me);
                return conclude(s, outcome, run, drive);
            }
        }
    }

    @Command(
            name = "submit",
            mixinStandardHelpOptions = true,
            description = {
                "Plan FILE (or resume its run) and submit its chunks without waiting for results.",
                "Follow up with 'keel batch collect' (or 'keel batch run FILE'); the embedded emulator keeps "
                        + "its files and batches in .keel/sandbox, so this works without a key too. Exit 3 when "
                        + "nothing could be submitted."
            })
    static final class Submit extends FileDriving {

        @Override
        public Integer call() {
            try (var s = BatchSession.open(cfg())) {
                RunRecord run = planOrResume(s, file, plan);
                if (run == null) {
                    return ExitCodes.BAD_INPUT;
                }
                s.ledger.releaseHolds(run.runId());
                var waits = new ArrayList<String>();
                BatchRunner runner = localRunner(s, new ProgressListener() {
                    @Override
                    public void progress(dev.keel.batch.run.RunProgress p) {}

                    @Override
                    public void waiting(String line) {
                        waits.add(line);
                    }
                });
                s.bindUpstream(run.runId());
                s.sweep(run.runId(), me);
                while (held(s)
                        && s.ledger.chunks(run.runId()).stream()
                                .anyMatch(c -> c.state() != dev.keel.batch.ledger.ChunkState.SUBMITTED
                                        && c.state().open()
                                        && c.holdReason() == null)
                        && runner.step(run.runId())) {
                    // each step uploads or creates one chunk
                }
                printStatus(s, run.runId(), out(), batch.format);
                if (SubmitCheck.nothingSubmitted(s.ledger, run.runId())) {
                    err().println("keel: nothing was submitted"
                            + (waits.isEmpty() ? "" : " (" + waits.get(waits.size() - 1) + ")")
                            + "; every chunk stays in the ledger: rerun the same command when the upstream is back");
                    err().flush();
                    return ExitCodes.UPSTREAM_UNAVAILABLE;
                }
                return s.ledger.chunks(run.runId()).stream().anyMatch(c -> c.holdReason() != null)
                        ? ExitCodes.COST_CEILING
                        : ExitCodes.OK;
            }
        }
    }

    /** True while this process still drives its run. @throws RunBusyException once another took it over */
    static boolean held(BatchSession s) {
        s.keeper().checkHeld();
        return true;
    }

    /** The process driving {@code runId} now, if any. */
    static java.util.Optional<dev.keel.batch.ledger.ClaimHolder> driver(BatchSession s, String runId) {
        return new dev.keel.batch.ledger.RunClaims(s.ledger, dev.keel.batch.ledger.RunClaims.SYSTEM_PIDS).holder(runId);
    }

    static void printStatus(BatchSession s, String runId, PrintWriter out, OutputFormat format) {
        RunRecord run = s.ledger.run(runId).orElseThrow();
        Map<ItemState, Long> counts = s.ledger.itemCounts(runId);
        List<ChunkRecord> chunks = s.ledger.chunks(runId);
        if (format == OutputFormat.json) {
            ObjectNode j = BatchJson.status(run, counts, chunks);
            driver(s, runId)
                    .ifPresent(h -> j.putObject("driven_by")
                            .put("worker", h.owner())
                            .put("host", h.host())
                            .put("pid", h.pid())
                            .put("command", h.command())
                            .put(
                                    "since",
                                    java.time.Instant.ofEpochMilli(h.since()).toString())
                            .put(
                                    "lease_until",
                                    java.time.Instant.ofEpochMilli(h.leaseUntil())
                                            .toString()));
            out.println(Json.write(SandboxMark.json(s.ledger, runId, j)));
        } else {
            out.print(SandboxMark.text(s.ledger, runId, ""));
            out.printf(
                    Locale.ROOT,
                    "run %s (%s) — %s%n",
                    runId,
                    run.state().name().toLowerCase(Locale.ROOT),
                    run.inputFile());
            out.printf(Locale.ROOT, "items: %s%n", counts.toString().toLowerCase(Locale.ROOT));
            driver(s, runId).ifPresent(h -> out.printf(Locale.ROOT, "driven by %s%n", h.describe()));
            for (ChunkRecord c : chunks) {
                out.printf(
                        Locale.ROOT,
                        "  chunk %-8d round %d  %5d items  %-10s %-12s %s%s%n",
                        c.chunkNo(),
                        c.round(),
                        c.items(),
                        c.state().name().toLowerCase(Locale.ROOT),
                        c.batchStatus() == null ? "" : c.batchStatus(),
                        c.batchId() == null ? "" : c.batchId(),
                        c.holdReason() == null ? "" : "  held: " + c.holdReason());
            }
        }
        out.flush();
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show a run's items and chunks from the ledger (the newest run by default).")
    static final class Status extends Base {
        @Option(names = "--run", paramLabel = "RUN_ID", description = "The run (default: the newest).")
        String runId;

        @Override
        public Integer call() {
            try (var s = BatchSession.open(cfg())) {
                printStatus(s, s.run(runId).runId(), out(), batch.format);
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "collect",
            mixinStandardHelpOptions = true,
            description = {
                "Advance a run once without waiting for it.",
                "Poll each running batch, collect finished ones, route every line, and submit due replays. "
                        + "Run it on a schedule, or use 'keel batch run' to wait."
            })
    static final class Collect extends Driving {
        @Option(names = "--run", paramLabel = "RUN_ID", description = "The run (default: the newest).")
        String runId;

        @Override
        public Integer call() {
            try (var s = BatchSession.open(cfg())) {
                RunRecord run = s.run(runId);
                claimRun(s, run.runId());
                s.ledger.makeDue(run.runId());
                BatchRunner runner = localRunner(s, ProgressListener.NONE);
                s.bindUpstream(run.runId());
                s.sweep(run.runId(), me);
                int budget = 10_000;
                while (budget-- > 0 && held(s) && runner.step(run.runId())) {
                    // each step advances one due chunk; polled chunks come due again only after --poll-interval
                }
                printStatus(s, run.runId(), out(), batch.format);
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = {
                "Build a replay file from a failed list: only retryable failures with replays left, same custom_id.",
                "  keel batch replay --failed failed.jsonl --out replay.jsonl"
            })
    static final class Replay implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--failed",
                required = true,
                paramLabel = "FILE",
                description = "A failed.jsonl written by keel batch.")
        Path failed;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The replay JSONL to write.")
        Path out;

        @Option(
                names = "--max-replays",
                paramLabel = "N",
                description = "Replays allowed per item (key batch.max-replays; default: 3).")
        Integer maxReplays;

        @Mixin
        ConfigOption config;

        /** The environment the configuration is read from; tests replace it. */
        Map<String, String> env = System.getenv();

        @Option(
                names = "--retryable",
                paramLabel = "CODE=CLASS",
                description = "Map a raw code to a class (repeatable).")
        List<String> retryable = new ArrayList<>();

        @Option(
                names = "--format",
                paramLabel = "text|json",
                description = "Output format (default: ${DEFAULT-VALUE}).")
        OutputFormat format = OutputFormat.text;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(failed)) {
                throw new IllegalArgumentException("--failed " + failed + " is not a readable file");
            }
            int replays = config.load(env).get(Settings.BATCH_MAX_REPLAYS);
            var r = new ReplayBuilder(ReplayPolicy.ofDefaults().with(retryable), replays).build(failed, out);
            var err = spec.commandLine().getErr();
            r.problems().forEach(err::println);
            if (format == OutputFormat.json) {
                var j = Json.object()
                        .put("read", r.read())
                        .put("written", r.written())
                        .put("out", out.toString())
                        .put("not_retryable", r.notRetryable())
                        .put("replays_used_up", r.replaysUsedUp())
                        .put("unreadable", r.problems().size());
                spec.commandLine().getOut().println(Json.write(j));
            } else {
                spec.commandLine()
                        .getOut()
                        .printf(
                                Locale.ROOT,
                                "read %d failed lines: wrote %d to %s; skipped %d not retryable, %d out of replays, %d unreadable%n",
                                r.read(),
                                r.written(),
                                out,
                                r.notRetryable(),
                                r.replaysUsedUp(),
                                r.problems().size());
            }
            spec.commandLine().getOut().flush();
            err.flush();
            return r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.BAD_INPUT;
        }
    }

    @Command(
            name = "report",
            mixinStandardHelpOptions = true,
            description = {
                "Report a run from the ledger.",
                "Items in/ok/failed/manual, replays, batch cost from real usage vs the same work at sync "
                        + "prices (savings), spend per day against the cap, submit-to-complete latency, and the "
                        + "alert fail / max(input,1) > 3%%. Exit 1 while the alert fires."
            })
    static final class Report extends Base {
        @Option(names = "--run", paramLabel = "RUN_ID", description = "The run (default: the newest).")
        String runId;

        @Option(
                names = "--daily-cap",
                paramLabel = "USD",
                converter = OptionChecks.Money.class,
                description = "Show spend per day against this cap (USD >= 0).")
        Double dailyCap;

        @Option(
                names = "--alert-threshold",
                paramLabel = "FRACTION",
                converter = OptionChecks.Ratio.class,
                description = "The alert's threshold, a fraction 0..1 (default: ${DEFAULT-VALUE}).")
        double alertThreshold = 0.03;

        @Option(
                names = "--export",
                paramLabel = "DIR",
                description = "Also write results/failed/manual.jsonl into DIR.")
        Path export;

        @Override
        public Integer call() {
            try (var s = BatchSession.open(cfg())) {
                String id = s.run(runId).runId();
                var reports = new Reports(s.ledger, s.prices);
                if (export != null) {
                    reports.export(id, export);
                }
                RunReport r = reports.report(id, dailyCap, alertThreshold);
                out().print(
                                batch.format == OutputFormat.json
                                        ? Json.write(SandboxMark.json(s.ledger, id, BatchJson.report(r))) + "\n"
                                        : SandboxMark.text(s.ledger, id, r.toText()));
                out().flush();
                return r.alert() ? ExitCodes.JOB_FAILURES : ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = {
                "Cancel a run.",
                "Nothing more is submitted or replayed, running batches are cancelled upstream, their "
                        + "finished lines are still collected, and every other item goes to the manual queue as "
                        + "batch_cancelled."
            })
    static final class Cancel extends Driving {
        @Option(names = "--run", paramLabel = "RUN_ID", description = "The run (default: the newest).")
        String runId;

        @Override
        public Integer call() throws InterruptedException {
            try (var s = BatchSession.open(cfg())) {
                RunRecord run = s.run(runId);
                s.ledger.requestCancel(run.runId());
                try {
                    claimRun(s, run.runId());
                } catch (RunBusyException busy) {
                    err().println("keel: cancel requested; " + busy.holder().describe() + " drives run " + run.runId()
                            + ": it stops submitting, cancels its running batches and routes the rest to the manual"
                            + " queue ('keel batch status --run " + run.runId() + "' shows when it is done)");
                    err().flush();
                    return ExitCodes.OK;
                }
                s.ledger.releaseHolds(run.runId());
                s.ledger.makeDue(run.runId());
                BatchRunner runner = localRunner(s, progress());
                s.bindUpstream(run.runId());
                s.sweep(run.runId(), me);
                RunOutcome outcome = runner.drive(run.runId());
                s.sweep(run.runId(), me);
                return conclude(s, outcome, run, drive);
            }
        }
    }

    @Command(
            name = "worker",
            mixinStandardHelpOptions = true,
            description = {
                "Work on every active run of a shared ledger until none has work left.",
                "Start several workers on one PostgreSQL ledger (--db jdbc:postgresql://...): they share "
                        + "chunks through leases (FOR UPDATE SKIP LOCKED), and a killed worker's chunks are taken "
                        + "over when its lease expires."
            })
    static final class Worker extends Driving {

        @Override
        String defaultLease() {
            return "60s";
        }

        @Override
        public Integer call() throws InterruptedException {
            try (var s = BatchSession.open(cfg())) {
                Duration giveUp = cfg().get(Settings.BATCH_GIVE_UP);
                Duration lease = lease();
                s.keepLeases(me, lease);
                BatchRunner runner = s.runner(
                        upstream,
                        cfg(),
                        env,
                        err(),
                        sandbox -> drive.runConfig(cfg(), sandbox, me.id(), lease),
                        drive.policy(),
                        p -> {},
                        giveUp);
                err().println("keel: worker " + me.id() + " on " + s.ledger.database());
                err().flush();
                List<String> swept =
                        s.ledger.activeRuns().stream().map(RunRecord::runId).toList();
                swept.forEach(r -> s.sweep(r, me));
                runner.work();
                swept.forEach(r -> s.sweep(r, me));
                for (RunRecord r : s.ledger.activeRuns()) {
                    err().println("keel: run " + r.runId() + " still has held chunks");
                }
                err().flush();
                return ExitCodes.OK;
            }
        }
    }
}
