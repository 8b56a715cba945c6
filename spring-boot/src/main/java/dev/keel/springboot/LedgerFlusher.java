package dev.keel.springboot;

import dev.keel.batch.BatchLine;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RunInput;
import dev.keel.core.cost.PriceTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a service's {@code BatchQueue} does with a flush: writes the tasks as a JSONL input under
 * {@code <run-dir>/queue/} and plans it as a new run in the ledger (bad lines go to the run's {@code
 * rejected.jsonl}, the rest are planned), where {@code keel batch worker} on the same ledger submits
 * and collects it. The input file is written before the ledger is touched, so a flush the ledger
 * refuses is still on disk ({@code keel batch run FILE} plans it by hand). Thread-safe: one plan at a
 * time.
 */
final class LedgerFlusher implements Consumer<List<BatchLine>> {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerFlusher.class);

    private final Planner planner;
    private final Path runsRoot;
    private final Clock clock;
    private final AtomicLong seq = new AtomicLong();

    LedgerFlusher(Ledger ledger, PlanConfig plan, PriceTable prices, Path runsRoot, Clock clock) {
        PlanConfig lenient = new PlanConfig(
                plan.maxItems(), plan.maxChunkBytes(), plan.maxLineBytes(), plan.defaultOutputTokens(), true);
        this.planner = new Planner(lenient, prices, ledger, clock);
        this.runsRoot = runsRoot;
        this.clock = clock;
    }

    @Override
    public synchronized void accept(List<BatchLine> lines) {
        Path file = write(lines);
        RunInput input = RunInput.fresh(file, clock);
        PlanResult r = planner.plan(input, runsRoot.resolve(input.runId()));
        if (r.accepted()) {
            LOG.info(
                    "keel batch queue: {} tasks planned as run {} ({} rejected)",
                    r.items(),
                    r.runId(),
                    r.problemCount());
        } else {
            LOG.warn(
                    "keel batch queue: {} tasks in {} were all refused ({} problems, first: {}); nothing planned",
                    lines.size(),
                    file,
                    r.problemCount(),
                    r.problems().isEmpty() ? "-" : r.problems().get(0).reason());
        }
    }

    private Path write(List<BatchLine> lines) {
        Path dir = runsRoot.resolve("queue");
        Path file = dir.resolve("queue-" + clock.millis() + "-" + seq.incrementAndGet() + ".jsonl");
        try {
            Files.createDirectories(dir);
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (BatchLine line : lines) {
                    w.write(line.toJsonLine());
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("keel batch queue: cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
