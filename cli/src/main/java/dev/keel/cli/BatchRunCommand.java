package dev.keel.cli;

import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.RunOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code keel batch run FILE}: plan (or resume), submit, poll, collect, replay and report, waiting until done. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Plan FILE (or resume its run), submit every chunk, poll, collect, replay, export and " + "report.",
            "Exit 0 all ok, 1 some items ended in the manual queue, 2 invalid input, 3 upstream "
                    + "unavailable, 4 a cost ceiling held items back, 5 another live process drives this run "
                    + "(nothing was submitted; the message names it)."
        })
final class BatchRunCommand extends BatchFileDriving {
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
            s.tracing = TracingOptions.open(cfg(), "keel-batch");
            BatchRunner runner = localRunner(s, progress());
            if (s.tracing != null) {
                runner.openTelemetry(s.tracing.sdk()); // run and chunk-step spans, the calls under them
            }
            s.bindUpstream(run.runId());
            printRoute(runner, run);
            s.sweep(run.runId(), me);
            RunOutcome outcome = runner.drive(run.runId());
            s.sweep(run.runId(), me);
            return conclude(s, outcome, run, drive);
        }
    }
}
