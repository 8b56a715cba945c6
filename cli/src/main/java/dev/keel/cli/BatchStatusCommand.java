package dev.keel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel batch status}: a run's items and chunks from the ledger. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show a run's items and chunks from the ledger (the newest run by default).")
final class BatchStatusCommand extends BatchBase {
    @Option(names = "--run", paramLabel = "RUN_ID", description = "The run (default: the newest).")
    String runId;

    @Override
    public Integer call() {
        try (var s = BatchSession.open(cfg())) {
            printStatus(s, s.run(runId).runId());
            return ExitCodes.OK;
        }
    }
}
