package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.structured.decode.CorpusReplay;
import dev.keel.structured.decode.DecodeMode;
import dev.keel.structured.decode.StructuredDecoder;
import dev.keel.structured.schema.LintFinding;
import dev.keel.structured.schema.SchemaChange;
import dev.keel.structured.schema.SchemaDiff;
import dev.keel.structured.schema.SchemaLint;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keel schema}: lint, diff and corpus replay for structured-output schemas. */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description = "Check structured-output schemas: strict-mode lint, evolution diff, bad-case corpus replay.",
        subcommands = {SchemaCommand.Lint.class, SchemaCommand.Diff.class, SchemaCommand.ReplayCorpus.class})
final class SchemaCommand extends CliCommand implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads a JSON file. @throws IllegalArgumentException naming the file (and line:column) */
    static JsonNode read(Path file) {
        try {
            return Json.parse(dev.keel.wire.io.TextFiles.read(file, "JSON schema file"));
        } catch (JsonSyntaxException e) {
            throw new IllegalArgumentException(file + ":" + e.getMessage());
        }
    }

    /** {@code keel schema lint FILE...}. */
    @Command(
            name = "lint",
            mixinStandardHelpOptions = true,
            description = {
                "Check JSON Schemas against OpenAI's strict structured-output subset.",
                "Root object, additionalProperties false everywhere, every property required (optional = a "
                        + "null type union), supported keywords and formats only, no default, and the limits on "
                        + "nesting, properties, enum values and size. Each finding names its JSON pointer. Exit 0 "
                        + "when no ERROR (warnings allowed), 1 when there are errors, 2 when a file cannot be read "
                        + "or is not JSON."
            })
    static final class Lint extends CliCommand implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Schema files.")
        List<Path> files;

        @picocli.CommandLine.Mixin
        FormatOption format;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            if (format.json()) {
                var doc = SchemaJson.lint(files, SchemaCommand::read);
                CliJson.print(out, doc);
                return SchemaJson.exit(doc);
            }
            int errors = 0;
            int warnings = 0;
            for (Path f : files) {
                SchemaLint.Report report = SchemaLint.report(read(f));
                List<LintFinding> findings = report.findings();
                for (LintFinding finding : findings) {
                    out.println(f + ": " + finding);
                }
                errors += report.count(dev.keel.structured.schema.LintRule.Severity.ERROR);
                warnings += report.count(dev.keel.structured.schema.LintRule.Severity.WARNING);
                report.notes().forEach(n -> out.println(f + ": note: " + n));
            }
            out.println((errors == 0 ? "OK" : "FAIL") + " " + files.size() + " file(s): " + errors + " error(s), "
                    + warnings + " warning(s)");
            out.flush();
            return errors == 0 ? ExitCodes.OK : ExitCodes.JOB_FAILURES;
        }
    }

    /** {@code keel schema diff OLD NEW}. */
    @Command(
            name = "diff",
            mixinStandardHelpOptions = true,
            description = {
                "Classify every change from OLD to NEW with its risk.",
                "Kinds: REQUIRED_ADDED, ENUM_NARROWED, ENUM_WIDENED, TYPE_CHANGED, FIELD_REMOVED, "
                        + "FIELD_ADDED, NULLABILITY_CHANGED, ...; the risk is for consumers (code reading outputs of "
                        + "NEW) and for in-flight outputs of OLD. Each breaking change comes with an output that one "
                        + "version accepts and the other rejects. Exit 0 when nothing breaks, 1 on a breaking "
                        + "change, 2 when a file cannot be read, the schemas cannot be compared or one is beyond the "
                        + "API's limits."
            })
    static final class Diff extends CliCommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "OLD", description = "The schema version in production.")
        Path oldFile;

        @Parameters(index = "1", paramLabel = "NEW", description = "The schema version to roll out.")
        Path newFile;

        @picocli.CommandLine.Mixin
        FormatOption format;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            if (format.json()) {
                var doc = SchemaJson.diff(oldFile, newFile, SchemaCommand::read);
                CliJson.print(out, doc);
                return SchemaJson.exit(doc);
            }
            SchemaDiff.Report report = SchemaDiff.report(read(oldFile), read(newFile));
            List<SchemaChange> changes = report.changes();
            for (SchemaChange c : changes) {
                out.println(c);
                if (c.breaking()) {
                    out.println("  example " + c.example());
                }
            }
            report.notes().forEach(n -> out.println("note: " + n));
            long breaking = changes.stream().filter(SchemaChange::breaking).count();
            out.println(
                    (breaking == 0 ? "OK " : "BREAKING ") + changes.size() + " change(s), " + breaking + " breaking");
            out.flush();
            if (report.beyondLimits()) {
                return ExitCodes.BAD_INPUT; // the API refuses such a schema: the diff is for reading only
            }
            return breaking == 0 ? ExitCodes.OK : ExitCodes.JOB_FAILURES;
        }
    }

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
    static final class ReplayCorpus extends CliCommand implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", description = "The corpus folder.")
        Path dir;

        @picocli.CommandLine.Mixin
        FormatOption format;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
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
                String verdict = row.expected() == null
                        ? "UNLISTED"
                        : row.matches() ? "ok" : "MISMATCH expected " + row.expected();
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
}
