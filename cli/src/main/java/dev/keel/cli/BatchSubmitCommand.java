package dev.keel.cli;

import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.ProgressListener;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code keel batch submit FILE}: plan (or resume) and submit without waiting for results. */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = {
            "Plan FILE (or resume its run) and submit its chunks without waiting for results.",
            "Follow up with 'keel batch collect' (or 'keel batch run FILE'); the embedded emulator keeps "
                    + "its files and batches in .keel/sandbox, so this works without a key too. Exit 3 when "
                    + "nothing could be submitted."
        })
final class BatchSubmitCommand extends BatchFileDriving {
    @Mixin
    TracingOptions tracing;

    @Override
    public Integer call() {
        try (var s = BatchSession.open(cfg())) {
            RunRecord run = planOrResume(s, file, plan);
            if (run == null) {
                return ExitCodes.BAD_INPUT;
            }
            s.ledger.releaseHolds(run.runId());
            var waits = new ArrayList<String>();
            s.tracing = TracingOptions.open(cfg(), "keel-batch");
            BatchRunner runner = localRunner(s, new ProgressListener() {
                @Override
                public void progress(dev.keel.batch.run.RunProgress p) {}

                @Override
                public void waiting(String line) {
                    waits.add(line);
                }
            });
            if (s.tracing != null) {
                runner.openTelemetry(s.tracing.sdk()); // run and chunk-step spans, the calls under them
            }
            s.bindUpstream(run.runId());
            s.sweep(run.runId(), me);
            try {
                while (s.stillHeld() && SubmitCheck.waiting(s.ledger, run.runId()) && runner.step(run.runId())) {
                    // each step uploads or creates one chunk
                }
            } catch (RuntimeException e) {
                runner.endRunSpans(null, e);
                throw e;
            }
            runner.endRunSpans("submitted", null);
            printStatus(s, run.runId());
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
