package dev.keel.cli;

import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.batch.report.SandboxMark;
import dev.keel.wire.json.Json;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keel batch runs}: the runs in the ledger, newest first. */
@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = {
            "List the runs in the ledger, newest first.",
            "Each with its id, state, creation time, item counts, cost and input file; --format json gives"
                    + " the fields of docs/cli.md."
        })
final class BatchRunsCommand extends CliCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    BatchOptions batch;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "At most N runs, the newest (default: ${DEFAULT-VALUE}; 0 lists all).")
    int limit = 50;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit " + limit + ": expected a count >= 0 (0 lists every run)");
        }
        var out = out();
        try (var s = BatchSession.open(config.load(env))) {
            var ids = s.ledger.runIds(limit);
            var reports = new Reports(s.ledger, s.prices);
            var runs = Json.array();
            var text = new StringBuilder();
            if (ids.isEmpty() && !batch.format.json()) {
                text.append("no runs in ")
                        .append(s.ledger.database())
                        .append("; start one with 'keel batch run FILE.jsonl'\n");
            } else if (!ids.isEmpty()) {
                text.append(String.format(
                        Locale.ROOT,
                        "%-28s %-10s %-20s %7s %7s %7s %7s %12s  %s%n",
                        "RUN_ID",
                        "STATE",
                        "CREATED",
                        "INPUT",
                        "OK",
                        "MANUAL",
                        "PENDING",
                        "COST_USD",
                        "INPUT_FILE"));
            }
            for (String id : ids) {
                RunRecord run = s.ledger.run(id).orElseThrow();
                RunReport report = reports.report(id, null, 0.03);
                var entry = SandboxMark.json(s.ledger, id, BatchJson.runEntry(run, report));
                runs.add(entry);
                var items = entry.get("items");
                text.append(String.format(
                        Locale.ROOT,
                        "%-28s %-10s %-20s %7d %7d %7d %7d %12s  %s%n",
                        id,
                        entry.get("state").asText(),
                        entry.get("created").asText().replaceFirst("\\.\\d+Z$", "Z"),
                        items.get("input").asLong(),
                        items.get("ok").asLong(),
                        items.get("manual").asLong(),
                        items.get("pending").asLong(),
                        entry.at("/cost_usd/effective").decimalValue().toPlainString(),
                        (entry.path("sandbox").asBoolean() ? "[sandbox] " : "") + run.inputFile()));
            }
            if (batch.format.json()) {
                CliJson.print(
                        out,
                        Json.object()
                                .put("database", s.ledger.database().toString())
                                .set("runs", runs));
            } else {
                out.print(text);
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
