package dev.keel.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one line on stderr and an exit code: bad usage or input → 2 with a hint to
 * {@code --help}; anything else → 1. The stack trace is printed only with {@code -x} /
 * {@code --stacktrace} (an option every command inherits from {@link Main}) or {@code KEEL_DEBUG=1}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        var err = ex.getCommandLine().getErr();
        err.println("keel: " + ex.getMessage());
        err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        var err = cl.getErr();
        err.println("keel: " + ex.getMessage());
        if (debug(parsed, cl)) {
            ex.printStackTrace(err);
        }
        return exitCode(ex);
    }

    /**
     * Bad input → 2; the upstream unreachable, overloaded or out of budget → 3; a batch run another
     * process drives → 5; anything else → 1.
     */
    static int exitCode(Exception ex) {
        if (ex instanceof IllegalArgumentException) {
            return ExitCodes.BAD_INPUT;
        }
        if (ex instanceof dev.keel.batch.ledger.RunBusyException) {
            return ExitCodes.RUN_BUSY;
        }
        if (ex instanceof dev.keel.core.error.KeelException k) {
            return switch (k.kind()) {
                case INVALID_REQUEST, NOT_FOUND -> ExitCodes.BAD_INPUT;
                case RATE_LIMITED,
                        SERVER_ERROR,
                        TRANSIENT_CONFLICT,
                        TIMEOUT,
                        NETWORK,
                        DEADLINE_EXCEEDED,
                        IN_FLIGHT_LIMIT,
                        CIRCUIT_OPEN -> ExitCodes.UPSTREAM_UNAVAILABLE;
                case QUOTA_EXHAUSTED, AUTH, STREAM_TRUNCATED, MALFORMED_RESPONSE, TOOL_FAILED -> ExitCodes.JOB_FAILURES;
            };
        }
        return ExitCodes.JOB_FAILURES;
    }

    /** {@code -x}, {@code --stacktrace}, or {@code KEEL_DEBUG=1} in the environment of the command that ran. */
    private static boolean debug(ParseResult parsed, CommandLine ran) {
        var args = parsed.originalArgs();
        var env = ran.getCommand() instanceof CliCommand c ? c.env : System.getenv();
        return "1".equals(env.get("KEEL_DEBUG")) || args.contains("-x") || args.contains("--stacktrace");
    }
}
