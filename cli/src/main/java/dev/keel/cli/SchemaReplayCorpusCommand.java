package dev.keel.cli;

import dev.keel.structured.decode.CorpusReplay;
import dev.keel.structured.decode.DecodeMode;
import dev.keel.structured.decode.StructuredDecoder;
import dev.keel.structured.schema.SchemaRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keel schema replay-corpus DIR}. */
@Command(
        name = "replay-corpus",
        mixinStandardHelpOptions = true,
        description = {
            "Decode every sample of a bad-case corpus folder.",
            "Its corpus.yaml names the schema, the schemas folder, the requested version, compat "
                    + "defaults and each sample's expected mode. Prints each sample's mode and reason, then the "
                    + "mode distribution. Exit 0 when every sample decodes as expected, 1 on a mismatch, 2 when "
                    + "the corpus or schemas cannot be read."
        })
final class SchemaReplayCorpusCommand extends CliCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "The corpus folder.")
    Path dir;

    @picocli.CommandLine.Mixin
    FormatOption format;

    @Override
    public Integer call() {
        var out = out();
        var corpus = CorpusReplay.load(dir);
        var registry = SchemaRegistry.load(corpus.schemas());
        var decoder = StructuredDecoder.forJson(registry, corpus.schema(), corpus.defaults());
        var report = CorpusReplay.replay(corpus, decoder);
        if (format.json()) {
            var doc = SchemaJson.replayCorpus(corpus, report);
            CliJson.print(out, doc);
            return SchemaJson.exit(doc);
        }
        for (var row : report.rows()) {
            String verdict =
                    row.expected() == null ? "UNLISTED" : row.matches() ? "ok" : "MISMATCH expected " + row.expected();
            out.printf(
                    "%-28s %-8s %-18s %s%n",
                    row.sample(), row.mode().token(), row.reason() == null ? "-" : row.reason(), verdict);
        }
        var d = report.distribution();
        int n = report.rows().size();
        out.printf(
                "modes: strict=%d compat=%d summary=%d of %d samples (%s)%n",
                d.get(DecodeMode.STRICT), d.get(DecodeMode.COMPAT), d.get(DecodeMode.SUMMARY), n, share(d, n));
        out.println(
                report.mismatches().isEmpty()
                        ? "OK every sample decoded as expected"
                        : "FAIL " + report.mismatches().size()
                                + " sample(s) decoded differently than corpus.yaml expects");
        out.flush();
        return report.mismatches().isEmpty() ? ExitCodes.OK : ExitCodes.JOB_FAILURES;
    }

    private static String share(java.util.Map<DecodeMode, Integer> d, int n) {
        return n == 0
                ? "empty"
                : String.format(
                        java.util.Locale.ROOT,
                        "%.0f%% / %.0f%% / %.0f%%",
                        100.0 * d.get(DecodeMode.STRICT) / n,
                        100.0 * d.get(DecodeMode.COMPAT) / n,
                        100.0 * d.get(DecodeMode.SUMMARY) / n);
    }
}
