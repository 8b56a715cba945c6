package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.structured.decode.CorpusReplay;
import dev.keel.structured.schema.LintFinding;
import dev.keel.structured.schema.LintRule;
import dev.keel.structured.schema.SchemaChange;
import dev.keel.structured.schema.SchemaDiff;
import dev.keel.structured.schema.SchemaLint;
import dev.keel.wire.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code --format json} documents of {@code keel schema lint} and {@code diff} (docs/cli.md):
 * findings and changes as objects, kinds, rules, severities and risks in lower snake case, totals
 * last. Stateless.
 */
final class SchemaJson {

    private SchemaJson() {}

    /**
     * {@code keel schema lint}: {@code files[] {file, findings[] {severity, rule, pointer, message}, notes[]},
     * errors, warnings, ok}. Findings are capped per rule as in the text output; the totals count all.
     */
    static ObjectNode lint(List<Path> files, Function<Path, JsonNode> read) {
        ObjectNode j = Json.object();
        var arr = j.putArray("files");
        long errors = 0;
        long warnings = 0;
        for (Path f : files) {
            SchemaLint.Report report = SchemaLint.report(read.apply(f));
            errors += report.count(LintRule.Severity.ERROR);
            warnings += report.count(LintRule.Severity.WARNING);
            var fj = arr.addObject().put("file", f.toString());
            var fa = fj.putArray("findings");
            for (LintFinding finding : report.findings()) {
                fa.addObject()
                        .put("severity", CliJson.state(finding.severity().name()))
                        .put("rule", CliJson.state(finding.rule().name()))
                        .put("pointer", finding.pointer())
                        .put("message", finding.message());
            }
            var notes = fj.putArray("notes");
            report.notes().forEach(notes::add);
        }
        return j.put("errors", errors).put("warnings", warnings).put("ok", errors == 0);
    }

    /**
     * {@code keel schema diff}: {@code old_file, new_file, changes[] {...}, notes[], beyond_limits,
     * changes_total, breaking, ok}.
     */
    static ObjectNode diff(Path oldFile, Path newFile, Function<Path, JsonNode> read) {
        SchemaDiff.Report report = SchemaDiff.report(read.apply(oldFile), read.apply(newFile));
        List<SchemaChange> changes = report.changes();
        ObjectNode j = Json.object().put("old_file", oldFile.toString()).put("new_file", newFile.toString());
        var arr = j.putArray("changes");
        long breaking = 0;
        for (SchemaChange c : changes) {
            breaking += c.breaking() ? 1 : 0;
            var o = arr.addObject()
                    .put("kind", CliJson.state(c.kind().name()))
                    .put("field", c.field())
                    .put("pointer", c.pointer().isEmpty() ? "/" : c.pointer())
                    .put("detail", c.detail())
                    .put("consumer_risk", CliJson.state(c.consumerRisk().name()))
                    .put("in_flight_risk", CliJson.state(c.inFlightRisk().name()))
                    .put("breaking", c.breaking());
            if (c.counterexample() == null) {
                o.putNull("counterexample");
                if (c.breaking()) {
                    o.put("example_note", c.example());
                }
            } else {
                o.putObject("counterexample")
                        .put("accepted_by", c.counterexample().acceptedBy())
                        .set("instance", c.counterexample().instance());
            }
        }
        var notes = j.putArray("notes");
        report.notes().forEach(notes::add);
        return j.put("beyond_limits", report.beyondLimits())
                .put("changes_total", changes.size())
                .put("breaking", breaking)
                .put("ok", breaking == 0 && !report.beyondLimits());
    }

    /**
     * {@code keel schema replay-corpus}: {@code corpus, schema, samples[] {sample, mode, reason,
     * expected {mode, reason} | null, matches}, modes {strict, compat, summary}, samples_total,
     * mismatches, unlisted, ok}.
     */
    static ObjectNode replayCorpus(CorpusReplay.Corpus corpus, CorpusReplay.Report report) {
        ObjectNode j = Json.object().put("corpus", corpus.dir().toString()).put("schema", corpus.schema());
        var arr = j.putArray("samples");
        for (CorpusReplay.Row row : report.rows()) {
            var o = arr.addObject()
                    .put("sample", row.sample())
                    .put("mode", row.mode().token())
                    .put("reason", row.reason());
            if (row.expected() == null) {
                o.putNull("expected");
            } else {
                o.putObject("expected")
                        .put("mode", row.expected().mode().token())
                        .put("reason", row.expected().reason());
            }
            o.put("matches", row.matches());
        }
        var modes = j.putObject("modes");
        report.distribution().forEach((mode, n) -> modes.put(mode.token(), n));
        return j.put("samples_total", report.rows().size())
                .put("mismatches", report.mismatches().size())
                .put("unlisted", report.unlisted().size())
                .put("ok", report.mismatches().isEmpty());
    }

    /**
     * The exit code of a lint or diff document, as in the text output: 2 for a diff beyond the API's
     * limits, else 0 when {@code ok} and 1 when not.
     */
    static int exit(ObjectNode doc) {
        if (doc.path("beyond_limits").asBoolean()) {
            return ExitCodes.BAD_INPUT;
        }
        return doc.path("ok").asBoolean() ? ExitCodes.OK : ExitCodes.JOB_FAILURES;
    }
}
