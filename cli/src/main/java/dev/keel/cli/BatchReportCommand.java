package dev.keel.cli;

import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.batch.report.SandboxMark;
import dev.keel.wire.json.Json;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel batch report}: a run's report from the ledger (exit 1 while its alert fires). */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Report a run from the ledger.",
            "Items in/ok/failed/manual, replays, batch cost from real usage vs the same work at sync "
                    + "prices (savings), spend per day against the cap, submit-to-complete latency, and the "
                    + "alert fail / max(input,1) > 3%%. Exit 1 while the alert fires."
        })
final class BatchReportCommand extends BatchBase {
    @Option(names = "--run", paramLabel = "RUN_ID", description = "The run (default: the newest).")
    String runId;

    @Option(
            names = "--daily-cap",
            paramLabel = "USD",
            converter = OptionChecks.Money.class,
            description = "Show spend per day against this cap (USD >= 0).")
    Double dailyCap;

    @Option(
            names = "--alert-threshold",
            paramLabel = "FRACTION",
            converter = OptionChecks.Ratio.class,
            description = "The alert's threshold, a fraction 0..1 (default: ${DEFAULT-VALUE}).")
    double alertThreshold = 0.03;

    @Option(names = "--export", paramLabel = "DIR", description = "Also write results/failed/manual.jsonl into DIR.")
    Path export;

    @Override
    public Integer call() {
        try (var s = BatchSession.open(cfg())) {
            String id = s.run(runId).runId();
            var reports = new Reports(s.ledger, s.prices);
            if (export != null) {
                reports.export(id, export);
            }
            RunReport r = reports.report(id, dailyCap, alertThreshold);
            out().print(
                            batch.format.json()
                                    ? Json.write(SandboxMark.json(s.ledger, id, BatchJson.report(r))) + "\n"
                                    : SandboxMark.text(s.ledger, id, r.toText()));
            out().flush();
            return r.alert() ? ExitCodes.JOB_FAILURES : ExitCodes.OK;
        }
    }
}
