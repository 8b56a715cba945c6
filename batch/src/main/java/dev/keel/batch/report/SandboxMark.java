package dev.keel.batch.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Marks the output of a run driven against the embedded emulator, so emulated answers are never
 * taken for real ones: a header line on text output, {@code "sandbox": true} (and the upstream) in
 * JSON output, and a {@value #FILE} file beside exported results. The one place these marks are
 * made. Stateless; thread-safe.
 */
public final class SandboxMark {

    /** The marker file written into a sandbox run's results folder. */
    public static final String FILE = "SANDBOX";

    /** The first line of a sandbox run's text output. */
    public static final String HEADER =
            "SANDBOX: every answer below came from the embedded emulator, not from OpenAI (no OPENAI_API_KEY was set);"
                    + " not for production use";

    private SandboxMark() {}

    /** {@code text} with {@link #HEADER} before it when the run is a sandbox run. */
    public static String text(Ledger ledger, String runId, String text) {
        return RunUpstream.sandbox(ledger, runId) ? HEADER + System.lineSeparator() + text : text;
    }

    /** Adds {@code sandbox} (and {@code upstream} when recorded) to {@code json}; returns it. */
    public static ObjectNode json(Ledger ledger, String runId, ObjectNode json) {
        var upstream = RunUpstream.of(ledger, runId);
        json.put("sandbox", upstream.map(RunUpstream.SANDBOX::equals).orElse(false));
        upstream.ifPresent(u -> json.put("upstream", u));
        return json;
    }

    /**
     * Writes {@value #FILE} into {@code dir} for a sandbox run (and removes a stale one otherwise).
     *
     * @throws UncheckedIOException when the folder cannot be written, naming it
     */
    public static void export(Ledger ledger, String runId, Path dir) {
        Path marker = dir.resolve(FILE);
        try {
            if (RunUpstream.sandbox(ledger, runId)) {
                Files.writeString(
                        marker,
                        "Run " + runId + " was driven against keel's embedded emulator (sandbox): the results in this"
                                + " folder are emulated, not answers from OpenAI.\nSet OPENAI_API_KEY and plan the"
                                + " input again with 'keel batch run --new-run FILE' for real results.\n",
                        StandardCharsets.UTF_8);
            } else {
                Files.deleteIfExists(marker);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker + ": " + e.getMessage(), e);
        }
    }
}
