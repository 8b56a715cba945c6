package dev.keel.cli;

import dev.keel.batch.run.ProgressListener;
import dev.keel.batch.run.RunProgress;
import java.io.PrintWriter;

/**
 * Shows a run's progress: a bar redrawn in place on a terminal, a log line per change otherwise (at
 * most one every few seconds, and always the last); and, on both, a line for each wait on an
 * upstream that cannot be reached.
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

    /**
     * Says what the run waits for, on its own line (on a terminal the bar is cleared first and
     * redrawn by the next progress), so a run that cannot reach its upstream never looks frozen.
     */
    @Override
    public void waiting(String line) {
        err.println((terminal ? "\r\033[K" : "") + "keel: " + line);
        err.flush();
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
