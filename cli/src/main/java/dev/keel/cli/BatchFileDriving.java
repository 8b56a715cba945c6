package dev.keel.cli;

import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Parameters;

/** A command that plans an input file, then drives its run. */
abstract class BatchFileDriving extends BatchDriving {
    @Parameters(paramLabel = "FILE", description = "JSONL: one {custom_id, method, url, body} per line.")
    Path file;

    @ArgGroup(exclusive = false, heading = "Planning%n")
    PlanOptions plan = new PlanOptions();
}
