package dev.keel.cli;

import picocli.CommandLine.Command;

/** {@code keel batch}: move delay-tolerant work to the Batch API at half price, losing and duplicating nothing. */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = {
            "Run JSONL request files through the Batch API at half the synchronous price.",
            "Validate, split, price against ceilings, submit, poll, collect, replay retryable failures "
                    + "at most 3 times, report. Every step is recorded in a ledger first, so a rerun after a "
                    + "crash resumes without losing or duplicating an item. Running the same file again resumes "
                    + "(or reports) its run."
        },
        subcommands = {
            BatchRunCommand.class,
            BatchSubmitCommand.class,
            BatchStatusCommand.class,
            BatchCollectCommand.class,
            BatchReplayCommand.class,
            BatchReportCommand.class,
            BatchCancelCommand.class,
            BatchWorkerCommand.class,
            BatchRunsCommand.class
        })
final class BatchCommand extends CliCommand implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }
}
