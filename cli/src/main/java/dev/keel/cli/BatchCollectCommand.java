package dev.keel.cli;

import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    TracingOptions tracing;

    @Override
    public Integer call() {
        try (var s = BatchSession.open(cfg())) {
            RunRecord run = s.run(runId);
            claimRun(s, run.runId());
            s.ledger.makeDue(run.runId());
            s.tracing = TracingOptions.open(cfg(), "keel-batch");
            BatchRunner runner = localRunner(s, ProgressListener.NONE);
            if (s.tracing != null) {
                runner.openTelemetry(s.tracing.sdk()); // run and chunk-step spans, the calls under them
            }
            s.bindUpstream(run.runId());
            s.sweep(run.runId(), me);
            int budget = 10_000;
            try {
                while (budget-- > 0 && s.stillHeld() && runner.step(run.runId())) {
                    // each step advances one due chunk; polled chunks come due again only after --poll-interval
                }
            } catch (RuntimeException e) {
                runner.endRunSpans(null, e);
                throw e;
            }
            runner.endRunSpans("advanced", null);
            printStatus(s, run.runId());
            return ExitCodes.OK;
        }
    }
}
