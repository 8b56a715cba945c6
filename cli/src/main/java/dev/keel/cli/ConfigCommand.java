package dev.keel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code keel config}: the configuration model's commands. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "The configuration: every key, its value and where the value came from (docs/configuration.md).",
        subcommands = {ConfigCommand.Show.class})
final class ConfigCommand extends CliCommand implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    /** {@code keel config show}. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "Print the effective configuration with the source of every value (flag, env, file:line,"
                        + " default), secrets redacted.",
                "Exit 0 when the configuration is valid; 2 with every problem as file:line: key: message."
            })
    static final class Show extends CliCommand implements Callable<Integer> {

        @Mixin
        ConfigOption config;

        @Mixin
        UpstreamOptions upstream;

        @Mixin
        FormatOption format;

        @Override
        public Integer call() {
            var cfg = config.load(env);
            var out = out();
            if (format.json()) {
                CliJson.print(out, ConfigView.json(cfg, config.file()));
            } else {
                ConfigView.text(out, cfg, config.file());
            }
            return ExitCodes.OK;
        }
    }
}
