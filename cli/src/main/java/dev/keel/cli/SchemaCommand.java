package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code keel schema}: lint, diff and corpus replay for structured-output schemas. */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description = "Check structured-output schemas: strict-mode lint, evolution diff, bad-case corpus replay.",
        subcommands = {SchemaLintCommand.class, SchemaDiffCommand.class, SchemaReplayCorpusCommand.class})
final class SchemaCommand extends CliCommand implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    /** Reads a JSON file. @throws IllegalArgumentException naming the file (and line:column) */
    static JsonNode read(Path file) {
        try {
            return Json.parse(dev.keel.wire.io.TextFiles.read(file, "JSON schema file"));
        } catch (JsonSyntaxException e) {
            throw new IllegalArgumentException(file + ":" + e.getMessage());
        }
    }
}
