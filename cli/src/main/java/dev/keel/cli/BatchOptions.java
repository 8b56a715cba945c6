package dev.keel.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options every {@code keel batch} command shares, {@code --format} among them. The other fields are
 * never read: {@link ConfigOption} reads a flag that was given as the key it sets (batch.ledger,
 * batch.run-dir, prices.file).
 */
final class BatchOptions {

    @Option(
            names = "--db",
            paramLabel = "JDBC_URL",
            description = "The ledger: jdbc:sqlite:PATH (one process) or jdbc:postgresql://HOST/DB?user=… (many"
                    + " workers). Key batch.ledger; default: jdbc:sqlite:.keel/keel.db.")
    String db;

    @Option(
            names = "--run-dir",
            paramLabel = "DIR",
            description =
                    "Where each run keeps its chunk files, rejected lines and exports (key batch.run-dir; default: .keel/runs).")
    Path runDir;

    @Option(
            names = "--prices",
            paramLabel = "FILE",
            description =
                    "A price file laid over the shipped table (same JSON shape: models -> {standard, batch, flex, priority}; 'keel prices --prices FILE' checks it).")
    Path prices;

    @Mixin
    FormatOption format;
}
