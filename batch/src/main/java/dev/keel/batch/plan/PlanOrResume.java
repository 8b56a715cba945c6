package dev.keel.batch.plan;

import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunRecord;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Plan-or-resume, once: an input's content gives its run id ({@link RunInput}); a run the ledger
 * already holds under that id is resumed as it is, otherwise the input is planned. Thread-safe as
 * its planner is (one start at a time).
 */
public final class PlanOrResume {

    /** What starting an input did. */
    public sealed interface Start {
        String runId();
    }

    /** The ledger holds a run of this content: nothing was planned. */
    public record Resumed(RunRecord run) implements Start {
        @Override
        public String runId() {
            return run.runId();
        }
    }

    /** The input was planned; {@code run} is empty when it was refused (nothing was recorded). */
    public record Planned(PlanResult plan, Optional<RunRecord> run) implements Start {
        @Override
        public String runId() {
            return plan.runId();
        }
    }

    private final Planner planner;
    private final Ledger ledger;

    public PlanOrResume(Planner planner, Ledger ledger) {
        this.planner = planner;
        this.ledger = ledger;
    }

    /**
     * Resumes the run of {@code input} or plans it, its files under {@code runsRoot/<run id>}.
     *
     * @throws java.io.UncheckedIOException when the input cannot be read or the run folder written
     */
    public Start start(RunInput input, Path runsRoot) {
        Optional<RunRecord> existing = ledger.run(input.runId());
        if (existing.isPresent()) {
            return new Resumed(existing.get());
        }
        PlanResult r = planner.plan(input, runsRoot.resolve(input.runId()));
        return new Planned(r, r.accepted() ? ledger.run(input.runId()) : Optional.empty());
    }
}
