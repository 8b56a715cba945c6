package dev.keel.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every {@code keel batch} command shares. */
final class BatchOptions {

    @Option(
            names = "--db",
            paramLabel = "JDBC_URL",
            description = "The ledger: jdbc:sqlite:PATH (one process) or jdbc:postgresql://HOST/DB?user=… (many"
                    + " workers). Default: ${DEFAULT-VALUE}.")
    String db = "jdbc:sqlite:.keel/keel.db";

    @Option(
            names = "--run-dir",
            paramLabel = "DIR",
            description =
                    "Where each run keeps its chunk files, rejected lines and exports (default: ${DEFAULT-VALUE}).")
    Path runDir = Path.of(".keel", "runs");

    @Option(
            names = "--prices",
            paramLabel = "FILE",
            description =
                    "A price file laid over the shipped table (same JSON shape: models -> {standard, batch, flex, priority}; 'keel prices --prices FILE' checks it).")
    Path prices;

    @Option(
            names = "--format",
            paramLabel = "text|json",
            description = "Output format: text, or json as documented in docs/cli.md (default: ${DEFAULT-VALUE}).")
    OutputFormat format = OutputFormat.text;
}
