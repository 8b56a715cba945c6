package dev.keel.cli;

import dev.keel.structured.schema.SchemaChange;
import dev.keel.structured.schema.SchemaDiff;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

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
final class SchemaDiffCommand extends CliCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OLD", description = "The schema version in production.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW", description = "The schema version to roll out.")
    Path newFile;

    @picocli.CommandLine.Mixin
    FormatOption format;

    @Override
    public Integer call() {
        var out = out();
        if (format.json()) {
            var doc = SchemaJson.diff(oldFile, newFile, SchemaCommand::read);
            CliJson.print(out, doc);
            return SchemaJson.exit(doc);
        }
        SchemaDiff.Report report = SchemaDiff.report(SchemaCommand.read(oldFile), SchemaCommand.read(newFile));
        List<SchemaChange> changes = report.changes();
        for (SchemaChange c : changes) {
            out.println(c);
            if (c.breaking()) {
                out.println("  example " + c.example());
            }
        }
        report.notes().forEach(n -> out.println("note: " + n));
        long breaking = changes.stream().filter(SchemaChange::breaking).count();
        out.println((breaking == 0 ? "OK " : "BREAKING ") + changes.size() + " change(s), " + breaking + " breaking");
        out.flush();
        if (report.beyondLimits()) {
            return ExitCodes.BAD_INPUT; // the API refuses such a schema: the diff is for reading only
        }
        return breaking == 0 ? ExitCodes.OK : ExitCodes.JOB_FAILURES;
    }
}
