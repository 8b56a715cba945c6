package dev.keel.cli;

import dev.keel.batch.ledger.WorkerIdentity;
import dev.keel.batch.plan.RequestReuse;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.LeaseKeeper;
import dev.keel.batch.run.ProgressListener;
import dev.keel.config.Settings;
import java.time.Duration;
import java.util.SplittableRandom;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;

/** A command that calls upstream and drives runs. */
abstract class BatchDriving extends BatchBase {
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
        return driven(runner, s);
    }

    /** What every runner of a driving command takes from its options: webhook wake-ups, output expiry, flex. */
    BatchRunner driven(BatchRunner runner, BatchSession s) {
        return runner.wakeEvery(drive.wakeEvery(cfg(), s.sandbox(), me.id()))
                .outputExpiresAfter(drive.outputExpiresAfter())
                .flex(cfg().flexConfig());
    }

    Duration defaultLease() {
        return Duration.ofMinutes(2);
    }

    /** --lease, refused when a single call can outlast it. */
    Duration lease() {
        Duration lease = cfg().isDefault(Settings.BATCH_LEASE) ? defaultLease() : cfg().get(Settings.BATCH_LEASE);
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

    /** Says which route the run takes when it is not the Batch API or auto chose it. */
    void printRoute(BatchRunner runner, dev.keel.batch.ledger.RunRecord run) {
        var asked = cfg().flexConfig();
        var route = runner.routeOf(run.runId());
        if (asked.route() == dev.keel.batch.run.BatchRoute.AUTO) {
            err().printf(
                            java.util.Locale.ROOT,
                            "keel: --route auto chose %s for %d items with --latency-tolerance %s and"
                                    + " --flex-concurrency %d%n",
                            route.label(),
                            run.items(),
                            dev.keel.config.ValueType.DURATION.format(cfg().get(Settings.BATCH_LATENCY)),
                            asked.concurrency());
        } else if (route == dev.keel.batch.run.BatchRoute.FLEX) {
            err().printf(
                            java.util.Locale.ROOT,
                            "keel: route flex: %d calls at once at service_tier flex, %s per call; --flex-fallback %s%n",
                            asked.concurrency(),
                            dev.keel.config.ValueType.DURATION.format(asked.callTimeout()),
                            asked.fallback().label());
        }
        err().flush();
    }
}
