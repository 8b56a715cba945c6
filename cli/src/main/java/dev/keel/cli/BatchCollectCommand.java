package dev.keel.cli;

import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel batch collect}: advance a run once (poll, collect, route, replay) without waiting. */
@Command(
        name = "collect",
        mixinStandardHelpOptions = true,
        description = {
            "Advance a run once without waiting for it.",
            "Poll each running batch, collect finished ones, route every line, and submit due replays. "
                    + "Run it on a schedule, or use 'keel batch run' to wait."
        })
final class BatchCollectCommand extends BatchDriving {
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
            while (budget-- > 0 && s.stillHeld() && runner.step(run.runId())) {
                // each step advances one due chunk; polled chunks come due again only after --poll-interval
            }
            printStatus(s, run.runId());
            return ExitCodes.OK;
        }
    }
}
