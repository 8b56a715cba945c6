package dev.keel.cli;

/** The exit codes every keel command uses; documented in {@code keel --help}. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int JOB_FAILURES = 1;
    public static final int BAD_INPUT = 2;
    public static final int UPSTREAM_UNAVAILABLE = 3;
    public static final int COST_CEILING = 4;
    /** Another live process drives the run; nothing was submitted. */
    public static final int RUN_BUSY = 5;

    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
