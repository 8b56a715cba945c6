package dev.keel.cli;

import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ClaimHolder;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.plan.PlanResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The text renderings of {@code keel batch} for people (the JSON ones are {@link BatchJson}). Stateless. */
final class BatchText {

    private BatchText() {}

    /** The plan's warnings, problems and summary (or why nothing was submitted), on stderr. */
    static void plan(PrintWriter err, PlanResult r, Path dir, boolean skip) {
        for (var c : r.changed()) {
            err.println("keel: warning: " + c);
        }
        if (r.changedCount() > r.changed().size()) {
            err.println("keel: warning: ... and "
                    + (r.changedCount() - r.changed().size())
                    + " more custom_ids reappear with a different request (" + r.changedCount() + " in all)");
        }
        for (var p : r.problems()) {
            err.println(p);
        }
        if (r.problemCount() > r.problems().size()) {
            err.println("... and " + (r.problemCount() - r.problems().size()) + " more; all " + r.problemCount()
                    + " are in " + dir.resolve("problems.txt"));
        }
        if (r.noRequests()) {
            err.println("keel: the input was refused: it holds no request; nothing was submitted.");
            err.flush();
            return;
        }
        if (!r.accepted()) {
            err.println("keel: " + r.problemCount() + " of " + r.lines() + " lines are invalid; nothing was"
                    + " submitted. Fix them, or rerun with --skip-invalid to move them to rejected.jsonl and go on.");
            err.flush();
            return;
        }
        err.printf(
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
        err.flush();
    }

    /** {@code keel batch status} as text: the run, its item counts, its driver and one line per chunk. */
    static void status(
            PrintWriter out,
            RunRecord run,
            Map<ItemState, Long> counts,
            List<ChunkRecord> chunks,
            Optional<ClaimHolder> driver) {
        String runId = run.runId();
        out.printf(
                Locale.ROOT, "run %s (%s) — %s%n", runId, run.state().name().toLowerCase(Locale.ROOT), run.inputFile());
        out.printf(Locale.ROOT, "items: %s%n", counts.toString().toLowerCase(Locale.ROOT));
        driver.ifPresent(h -> out.printf(Locale.ROOT, "driven by %s%n", h.describe()));
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
}
