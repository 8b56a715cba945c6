package dev.keel.cli;

/** How a command prints its result: for people ({@code text}) or for programs ({@code json}, see docs/cli.md). */
enum OutputFormat {
    text,
    json
}
