package dev.keel.cli;

import dev.keel.batch.ledger.RunBusyException;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.RunOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel batch cancel}: stop a run, cancel its batches upstream, collect what finished. */
@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        description = {
            "Cancel a run.",
            "Nothing more is submitted or replayed, running batches are cancelled upstream, their "
                    + "finished lines are still collected, and every other item goes to the manual queue as "
                    + "batch_cancelled."
        })
final class BatchCancelCommand extends BatchDriving {
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
