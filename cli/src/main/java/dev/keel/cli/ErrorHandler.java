package dev.keel.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one line on stderr and an exit code: bad usage or input → 2 with a hint to
 * {@code --help}; anything else → 1. The stack trace is printed only with {@code -x} in the
 * arguments (or {@code KEEL_DEBUG=1}).
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
        if (debug(parsed)) {
            ex.printStackTrace(err);
        }
        return ex instanceof IllegalArgumentException ? ExitCodes.BAD_INPUT : ExitCodes.JOB_FAILURES;
    }

    private static boolean debug(ParseResult parsed) {
        return "1".equals(System.getenv("KEEL_DEBUG")) || parsed.originalArgs().contains("-x");
    }
}
