package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.report.SandboxMark;
import dev.keel.wire.json.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

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
            BatchRunCommand.class,
            BatchSubmitCommand.class,
            BatchStatusCommand.class,
            BatchCollectCommand.class,
            BatchReplayCommand.class,
            BatchReportCommand.class,
            BatchCancelCommand.class,
            BatchWorkerCommand.class,
            BatchRunsCommand.class
        })
final class BatchCommand extends CliCommand implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
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

    static void printStatus(BatchSession s, String runId, PrintWriter out, FormatOption format) {
        RunRecord run = s.ledger.run(runId).orElseThrow();
        Map<ItemState, Long> counts = s.ledger.itemCounts(runId);
        List<ChunkRecord> chunks = s.ledger.chunks(runId);
        if (format.json()) {
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
}
