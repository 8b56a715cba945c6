package dev.keel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code keel} command: production rails for calling the OpenAI API from the JVM.
 *
 * <p>Exit codes, shared by every subcommand: 0 ok; 1 the job finished with failures; 2 bad usage or
 * input; 3 upstream unavailable; 4 a cost ceiling was reached; 5 another process drives the batch run;
 * 130 interrupted.
 */
@Command(
        name = "keel",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Production rails for calling the OpenAI API from the JVM.%n"
                + "With no OPENAI_API_KEY and no --base-url, commands run against the embedded emulator.",
        subcommands = {
            CallCommand.class,
            BatchCommand.class,
            ServeCommand.class,
            GatewayCommand.class,
            DoctorCommand.class,
            EmulatorCommand.class,
            SchemaCommand.class,
            RealtimeCommand.class,
            PricesCommand.class,
            ConfigCommand.class,
            CompletionCommand.class,
            HelpCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok",
            "  1  the job finished with failures",
            "  2  bad usage or input",
            "  3  upstream unavailable",
            "  4  a cost ceiling was reached",
            "  5  another process drives the batch run (nothing was submitted)",
            "130  interrupted",
            "",
            "Run 'keel help COMMAND' for a command's options."
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Read by {@link ErrorHandler} from the parsed arguments; declared so every command accepts it. */
    @CommandLine.Option(
            names = {"-x", "--stacktrace"},
            scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, print its stack trace after the one-line message (or set KEEL_DEBUG=1).")
    boolean stacktrace;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line in-process and returns its exit code (the tests call this). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, for tests that capture its output. */
    public static CommandLine commandLine() {
        return commandLine(new Main());
    }

    /**
     * {@code command} (keel itself or one subcommand) on a command line configured as keel runs it:
     * the error handler and the option converters.
     */
    static CommandLine commandLine(Object command) {
        var cl = new CommandLine(command);
        cl.registerConverter(java.time.Duration.class, new OptionChecks.Durations());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new ErrorHandler());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
