package dev.keel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code keel realtime}: realtime voice tools. */
@Command(
        name = "realtime",
        mixinStandardHelpOptions = true,
        description = "Realtime voice: token rotation, the turn/interrupt state machine, recovery, latency budgets.",
        subcommands = {RealtimeDemoCommand.class})
final class RealtimeCommand extends CliCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return ExitCodes.OK;
    }
}
