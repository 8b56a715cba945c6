package dev.keel.cli;

import dev.keel.batch.plan.PlanConfig;
import dev.keel.config.KeelConfig;
import picocli.CommandLine.Option;

/** Options of the commands that plan input. */
final class PlanOptions {
    @Option(
            names = "--max-items",
            paramLabel = "N",
            description = "Requests per batch (key batch.max-items; default: 500; at most 50000).")
    Integer maxItems;

    @Option(
            names = "--default-output-tokens",
            paramLabel = "N",
            description = "Output bound for cost ceilings when a request sets none (key"
                    + " batch.default-output-tokens; default: 1024).")
    Integer defaultOutputTokens;

    @Option(
            names = "--skip-invalid",
            description = "Move bad lines to rejected.jsonl (with reasons) and go on, instead of refusing the run.")
    boolean skipInvalid;

    @Option(names = "--new-run", description = "Plan the file as a new run even if a run of the same content exists.")
    boolean newRun;

    @Option(
            names = "--no-reuse",
            description = "Submit every request, even one whose same request already succeeded in an earlier"
                    + " run of this ledger (by default its result is reused and not paid again).")
    boolean noReuse;

    PlanConfig config(KeelConfig cfg) {
        return cfg.planConfig().withSkipInvalid(skipInvalid);
    }
}
