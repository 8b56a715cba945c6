package dev.keel.cli;

import dev.keel.batch.run.ProgressListener;
import dev.keel.batch.run.RunProgress;
import java.io.PrintWriter;

/**
 * Shows a run's progress: a bar redrawn in place on a terminal, a log line per change otherwise (at
 * most one every few seconds, and always the last).
 */
final class ProgressPrinter implements ProgressListener {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private long lastLine;
    private long lastTerminal = -1;

    ProgressPrinter(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void progress(RunProgress p) {
        if (terminal) {
            int filled = p.items() == 0 ? WIDTH : (int) (WIDTH * p.terminal() / p.items());
            err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + p.terminal() + "/" + p.items()
                    + " done (" + p.succeeded() + " ok, " + p.failed() + " failed, " + p.submitted() + " running, "
                    + p.pending() + " pending)   ");
            if (p.terminal() == p.items()) {
                err.println();
            }
            err.flush();
            return;
        }
        long now = System.currentTimeMillis();
        if (p.terminal() != lastTerminal && (now - lastLine >= 2000 || p.terminal() == p.items())) {
            err.println("keel: " + p.runId() + " progress " + p.terminal() + "/" + p.items() + " ok=" + p.succeeded()
                    + " failed=" + p.failed() + " running=" + p.submitted() + " pending=" + p.pending());
            err.flush();
            lastLine = now;
            lastTerminal = p.terminal();
        }
    }
}
