package dev.keel.batch.plan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * An input file and the run id its content gives it: {@code run-} and the first 12 hex digits of
 * its SHA-256, so the same file resumes (or reports) the run it started instead of paying for the
 * work twice — or, {@link #fresh}, a new run id for the same content.
 */
public record RunInput(Path file, String sha256, String runId) {

    /**
     * The input as its content names it.
     *
     * @throws IllegalArgumentException when {@code file} is not a readable file
     */
    public static RunInput of(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("input " + file + " is not a readable file");
        }
        String sha = RunIds.sha256(file);
        return new RunInput(file, sha, RunIds.forContent(sha));
    }

    /** The input with a run id of its own (its content's id and the time in base 36): planned again. */
    public static RunInput fresh(Path file, Clock clock) {
        RunInput same = of(file);
        return new RunInput(file, same.sha256(), same.runId() + "-" + Long.toString(clock.millis(), 36));
    }
}
