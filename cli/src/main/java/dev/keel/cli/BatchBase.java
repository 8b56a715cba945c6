package dev.keel.cli;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.plan.PlanOrResume;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RequestReuse;
import dev.keel.batch.plan.RunInput;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.batch.report.SandboxMark;
import dev.keel.batch.run.RunOutcome;
import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import dev.keel.wire.json.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;

/** The shared part of the {@code keel batch} subcommands: configuration, session, plan, status and report printing. */
abstract class BatchBase extends CliCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    BatchOptions batch;

    /** The effective configuration (flags, environment, keel.yaml), read once. */
    KeelConfig cfg() {
        return config.load(env);
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
                BatchText.plan(err(), p.plan(), BatchSession.runDir(cfg(), p.runId()), plan.skipInvalid);
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

    /** Prints {@code runId}'s items and chunks from the ledger, and who drives it, as --format says. */
    void printStatus(BatchSession s, String runId) {
        RunRecord run = s.ledger.run(runId).orElseThrow();
        Map<ItemState, Long> counts = s.ledger.itemCounts(runId);
        List<ChunkRecord> chunks = s.ledger.chunks(runId);
        var driver = s.driver(runId);
        if (batch.format.json()) {
            ObjectNode j = BatchJson.status(run, counts, chunks);
            driver.ifPresent(h -> BatchJson.drivenBy(j, h));
            out().println(Json.write(SandboxMark.json(s.ledger, runId, j)));
        } else {
            out().print(SandboxMark.text(s.ledger, runId, ""));
            BatchText.status(out(), run, counts, chunks, driver);
        }
        out().flush();
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
        if (batch.format.json()) {
            out().println(Json.write(SandboxMark.json(s.ledger, runId, BatchJson.report(r))));
        } else {
            out().print(SandboxMark.text(s.ledger, runId, r.toText()));
        }
        out().flush();
    }
}
