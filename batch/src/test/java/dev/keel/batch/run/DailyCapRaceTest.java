package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.core.testing.TestPostgres;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers racing to create chunks against one daily cap, or one run ceiling, on a shared ledger: the
 * ceiling admits exactly
 * {@value #ADMITTED} chunks, and exactly that many batches are created, however the workers
 * interleave. Every upload answers after the same delay, so the workers reach their creates together
 * with the same spend in view — the interleaving in which a read-then-write check lets them all in.
 */
class DailyCapRaceTest {

    private static final int WORKERS = 8;
    private static final int CHUNKS = 16;
    private static final int ADMITTED = 5;

    @TempDir
    Path dir;

    /** Which ceiling the race runs against. */
    private enum Ceiling {
        DAILY_CAP("daily cap", "--daily-cap"),
        RUN_CEILING("run cost ceiling", "--max-cost");

        final String reason;
        final String option;

        Ceiling(String reason, String option) {
            this.reason = reason;
            this.option = option;
        }
    }

    @Test
    void workersRacingOnPostgresCreateExactlyTheChunksTheCapAdmits() throws Exception {
        try (var pg = TestPostgres.createSchema();
                var f = new BatchFixture(dir, pg.jdbcUrl())) {
            race(f, Ceiling.DAILY_CAP);
        }
    }

    @Test
    void threadsRacingOnSqliteCreateExactlyTheChunksTheCapAdmits() throws Exception {
        try (var f = BatchFixture.sqlite(dir)) {
            race(f, Ceiling.DAILY_CAP);
        }
    }

    @Test
    void workersRacingOnPostgresCreateExactlyTheChunksTheRunCeilingAdmits() throws Exception {
        try (var pg = TestPostgres.createSchema();
                var f = new BatchFixture(dir, pg.jdbcUrl())) {
            race(f, Ceiling.RUN_CEILING);
        }
    }

    @Test
    void threadsRacingOnSqliteCreateExactlyTheChunksTheRunCeilingAdmits() throws Exception {
        try (var f = BatchFixture.sqlite(dir)) {
            race(f, Ceiling.RUN_CEILING);
        }
    }

    private void race(BatchFixture f, Ceiling ceiling) throws Exception {
        List<String> lines = IntStream.rangeClosed(1, CHUNKS)
                .mapToObj(i -> BatchFixture.responsesLine("item-" + i, "The same request for every chunk"))
                .toList();
        PlanResult p =
                f.plan(f.write("in.jsonl", lines), PlanConfig.ofDefaults().withMaxItems(1));
        double est = f.ledger.chunks(p.runId()).get(0).estCostUsd();
        assertThat(f.ledger.chunks(p.runId()))
                .hasSize(CHUNKS)
                .allSatisfy(c -> assertThat(c.estCostUsd()).isEqualTo(est));
        double cap = est * ADMITTED + est / 2;
        f.emulator.replaceFaults(new FaultPlan(
                1, List.of(FaultRule.withProbability("POST /v1/files", 1.0, FaultSpec.parse("latency:300ms")))));
        // Polls are a minute away, so nothing is collected (and no spend corrected) during the race.
        RunConfig polls = BatchFixture.fast().withPollInterval(Duration.ofMinutes(1));
        RunConfig config = ceiling == Ceiling.DAILY_CAP ? polls.withDailyCap(cap) : polls.withMaxCost(cap);

        runTogether(f, p.runId(), config);

        assertThat(f.creates()).isEqualTo(ADMITTED);
        List<ChunkRecord> chunks = f.ledger.chunks(p.runId());
        assertThat(chunks.stream().filter(c -> c.batchId() != null)).hasSize(ADMITTED);
        assertThat(chunks.stream().filter(c -> c.holdReason() != null))
                .hasSize(CHUNKS - ADMITTED)
                .allSatisfy(c ->
                        assertThat(c.holdReason()).startsWith(ceiling.reason).contains(ceiling.option));
        double spent = ceiling == Ceiling.DAILY_CAP
                ? f.ledger.spent(LocalDate.now(ZoneOffset.UTC).toString())
                : f.ledger.committed(p.runId());
        assertThat(spent)
                .isLessThanOrEqualTo(cap)
                .isEqualTo(est * ADMITTED, org.assertj.core.data.Offset.offset(1e-12));
    }

    /** {@value #WORKERS} runners, each with its own worker id, started at once, each stepping until nothing is due. */
    private static void runTogether(BatchFixture f, String runId, RunConfig config) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            var start = new CountDownLatch(1);
            var done = new ArrayList<Future<?>>();
            for (int i = 0; i < WORKERS; i++) {
                BatchRunner runner = f.runner(config.withWorker("w" + i, Duration.ofMinutes(2)));
                done.add(pool.submit(() -> {
                    start.await();
                    while (runner.step(runId)) {
                        // claim, upload, reserve and create (or hold) one chunk per step
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> d : done) {
                d.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
