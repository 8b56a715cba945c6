package dev.keel.cli;

import dev.keel.batch.report.ReplayBuilder;
import dev.keel.batch.run.ReplayPolicy;
import dev.keel.config.Settings;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keel batch replay}: a replay file of the retryable failures of a failed list. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Build a replay file from a failed list: only retryable failures with replays left, same custom_id.",
            "  keel batch replay --failed failed.jsonl --out replay.jsonl"
        })
final class BatchReplayCommand extends CliCommand implements Callable<Integer> {

    @Option(
            names = "--failed",
            required = true,
            paramLabel = "FILE",
            description = "A failed.jsonl written by keel batch.")
    Path failed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The replay JSONL to write.")
    Path out;

    @Option(
            names = "--max-replays",
            paramLabel = "N",
            description = "Replays allowed per item (key batch.max-replays; default: 3).")
    Integer maxReplays;

    @Mixin
    ConfigOption config;

    @Option(names = "--retryable", paramLabel = "CODE=CLASS", description = "Map a raw code to a class (repeatable).")
    List<String> retryable = new ArrayList<>();

    @Mixin
    FormatOption format;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(failed)) {
            throw new IllegalArgumentException("--failed " + failed + " is not a readable file");
        }
        int replays = config.load(env).get(Settings.BATCH_MAX_REPLAYS);
        var r = new ReplayBuilder(ReplayPolicy.ofDefaults().with(retryable), replays).build(failed, out);
        var err = err();
        r.problems().forEach(err::println);
        if (format.json()) {
            out().println(Json.write(BatchJson.replay(r, out)));
        } else {
            out().printf(
                            Locale.ROOT,
                            "read %d failed lines: wrote %d to %s; skipped %d not retryable, %d out of replays, %d unreadable%n",
                            r.read(),
                            r.written(),
                            out,
                            r.notRetryable(),
                            r.replaysUsedUp(),
                            r.problems().size());
        }
        out().flush();
        err.flush();
        return r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.BAD_INPUT;
    }
}
