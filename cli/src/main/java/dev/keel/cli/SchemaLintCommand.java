package dev.keel.cli;

import dev.keel.structured.schema.LintFinding;
import dev.keel.structured.schema.SchemaLint;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

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
final class SchemaLintCommand extends CliCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Schema files.")
    List<Path> files;

    @picocli.CommandLine.Mixin
    FormatOption format;

    @Override
    public Integer call() {
        var out = out();
        if (format.json()) {
            var doc = SchemaJson.lint(files, SchemaCommand::read);
            CliJson.print(out, doc);
            return SchemaJson.exit(doc);
        }
        int errors = 0;
        int warnings = 0;
        for (Path f : files) {
            SchemaLint.Report report = SchemaLint.report(SchemaCommand.read(f));
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
