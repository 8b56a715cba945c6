package dev.keel.cli;

import picocli.CommandLine.Option;

/** The {@code --format text|json} option of a command that prints a result (mixed in). */
final class FormatOption {

    @Option(
            names = "--format",
            paramLabel = "text|json",
            description = "Output format: text, or json as documented in docs/cli.md (default: ${DEFAULT-VALUE}).")
    OutputFormat format = OutputFormat.text;

    boolean json() {
        return format == OutputFormat.json;
    }
}
