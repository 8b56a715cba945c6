package dev.keel.cli;

import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.run.BatchRunner;
import dev.keel.config.Settings;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code keel batch worker}: work on every active run of a shared ledger until none has work left. */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Work on every active run of a shared ledger until none has work left.",
            "Start several workers on one PostgreSQL ledger (--db jdbc:postgresql://...): they share "
                    + "chunks through leases (FOR UPDATE SKIP LOCKED), and a killed worker's chunks are taken "
                    + "over when its lease expires."
        })
final class BatchWorkerCommand extends BatchDriving {
    @Mixin
    TracingOptions tracing;

    @Override
    Duration defaultLease() {
        return Duration.ofSeconds(60);
    }

    @Override
    public Integer call() throws InterruptedException {
        try (var s = BatchSession.open(cfg())) {
            Duration giveUp = cfg().get(Settings.BATCH_GIVE_UP);
            Duration lease = lease();
            s.keepLeases(me, lease);
            s.tracing = TracingOptions.open(cfg(), "keel-batch");
            BatchRunner runner = driven(
                    s.runner(
                            upstream,
                            cfg(),
                            env,
                            err(),
                            sandbox -> drive.runConfig(cfg(), sandbox, me.id(), lease),
                            drive.policy(),
                            p -> {},
                            giveUp),
                    s);
            if (s.tracing != null) {
                runner.openTelemetry(s.tracing.sdk()); // a run span per run it touches, the steps and calls under them
            }
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
