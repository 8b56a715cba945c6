package dev.keel.batch.run;

import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.LeaseLostException;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.ledger.RunSpans;
import dev.keel.batch.ledger.RunState;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.error.KeelException;
import dev.keel.core.time.Sleeper;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives chunks through their states (see {@link ChunkState}): the scheduling loop that claims a
 * due chunk and hands it to the part that does its next step — {@link Submitter} (upload, create,
 * reconcile after a crash), {@link Collector} (poll, collect, route each line), {@link Ceilings}
 * (run ceiling, daily cap) — then sleeps until the next chunk is due. Every upstream side effect is preceded by an intent in the ledger and reconciled
 * after a restart: an upload is looked up by file name, a batch by the run and chunk ids in its
 * {@code metadata}. Waiting between polls is a schedule over an injected clock and sleeper. Every
 * upstream call goes through keel's pipeline ({@link KeelClient}); batch creation is one attempt
 * ({@link CallOptions#withMaxAttempts}), because a create that failed after the server accepted it
 * must be reconciled, not repeated. An upload or create the upstream refuses for good (a 4xx about the request, such as
 * 400 or 413) gives up that chunk only: its items are routed as failures and the run goes on. One
 * runner per worker; thread-confined.
 *
 * <p>Where new routes plug in: an item sent another way than the Batch API (the sync fallback
 * today) is a {@link SyncLane} call whose {@link LineOutcome.Success} carries the tier it ran at,
 * priced and recorded by {@link ChunkRouting} in the same ledger transaction as the batch lines. A
 * notice that a batch ended (a webhook) needs no runner code: {@link
 * dev.keel.batch.ledger.Ledger#pollDueNow} makes its chunks due, and the next {@link #step} collects
 * them.
 */
public final class BatchRunner {

    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);

    private final Ledger ledger;
    private final RunConfig config;
    private final Clock clock;
    private final Sleeper sleeper;
    /** How often to re-read the ledger for chunks a webhook made due; null: every poll interval. */
    private volatile Duration wakeEvery;

    private final ProgressListener progress;
    private final UpstreamWait wait;
    private final RunnerContext ctx;
    private final Ceilings ceilings;
    private final Collector collector;
    private final Submitter submitter;
    private final FlexLane flexLane;

    public BatchRunner(
            Ledger ledger,
            KeelClient client,
            PriceTable prices,
            ReplayPolicy policy,
            RunConfig config,
            Clock clock,
            Sleeper sleeper,
            ProgressListener progress) {
        this(ledger, client, prices, policy, config, clock, sleeper, progress, UpstreamWait.DEFAULT_GIVE_UP);
    }

    /**
     * A runner that gives up after {@code giveUpAfter} without getting through to the upstream
     * (see {@link UpstreamGaveUpException}).
     *
     * @throws IllegalArgumentException when {@code giveUpAfter} is not positive
     */
    public BatchRunner(
            Ledger ledger,
            KeelClient client,
            PriceTable prices,
            ReplayPolicy policy,
            RunConfig config,
            Clock clock,
            Sleeper sleeper,
            ProgressListener progress,
            Duration giveUpAfter) {
        this.ledger = ledger;
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
        this.progress = progress;
        this.ctx = new RunnerContext(ledger, client, prices, policy, config, clock);
        this.ceilings = new Ceilings(ctx);
        this.collector = new Collector(ctx);
        this.submitter = new Submitter(ctx, ceilings, collector);
        this.flexLane = new FlexLane(ctx);
        this.wait =
                new UpstreamWait(giveUpAfter, clock, client.config().baseUrl().toString());
    }

    /**
     * Webhooks on: between polls (a safety net at the poll interval) re-read the ledger every {@code
     * d} for chunks a verified webhook made due ({@link dev.keel.batch.ledger.Ledger#pollDueNow}).
     */
    public BatchRunner wakeEvery(Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("the webhook wake interval must be positive, was " + d);
        }
        this.wakeEvery = d;
        return this;
    }

    /**
     * Ask for output and error files that live {@code d} after they are written ({@code
     * output_expires_after}, 1 h to 30 days); null leaves the API's default.
     */
    public BatchRunner outputExpiresAfter(Duration d) {
        if (d != null && (d.toSeconds() < 3600 || d.toSeconds() > 2_592_000)) {
            throw new IllegalArgumentException(
                    "--output-expires-after must be between 1h and 30d (3600-2592000 s), was " + d);
        }
        submitter.outputExpiresAfter(d);
        return this;
    }

    /**
     * Traces this runner through {@code otel} (the OpenTelemetry API; the SDK is the caller's): a
     * {@code batch run} span per run it drives, linked to the run's spans of earlier processes (kept in
     * the ledger), and a span per chunk step (upload, create, poll, collect) under which the step's
     * upstream calls nest when the client traces them too ({@link dev.keel.core.trace.KeelTracing}).
     * Null switches it off (the default: nothing of OpenTelemetry runs).
     */
    public BatchRunner openTelemetry(OpenTelemetry otel) {
        ctx.spans = otel == null ? BatchSpans.OFF : BatchSpans.of(otel, new RunSpans(ledger), config.workerId(), clock);
        return this;
    }

    /**
     * The route ({@code --route}, {@code --flex-fallback}) and the flex lane's concurrency and per-call
     * timeout; set before driving.
     */
    public BatchRunner flex(FlexConfig f) {
        ctx.flex = java.util.Objects.requireNonNull(f, "flex");
        return this;
    }

    /**
     * The route {@code runId} takes with this runner's {@link FlexConfig}: the one asked for, or what
     * {@code auto} chose for the run's size and latency tolerance ({@link FlexConfig#choose}).
     *
     * @throws IllegalArgumentException for {@code --route flex} on a model without a flex price
     */
    public BatchRoute routeOf(String runId) {
        return flexLane.routeOf(runId);
    }

    /**
     * Drives {@code runId} until every item is terminal or only held chunks remain.
     *
     * @throws InterruptedException when interrupted while waiting for the next poll
     * @throws UpstreamGaveUpException after {@code giveUpAfter} without getting through to the
     *     upstream; the run stays resumable (this process's run span, when tracing, ends
     *     with {@code keel.batch.run.outcome=gave_up})
     */
    public RunOutcome drive(String runId) throws InterruptedException {
        flexLane.routeOf(runId); // a route that cannot work is refused before anything is sent
        try {
            RunOutcome outcome = driveLoop(runId);
            ctx.spans.endRun(runId, outcome);
            return outcome;
        } catch (InterruptedException | RuntimeException e) {
            ctx.spans.endRun(runId, e);
            throw e;
        }
    }

    private RunOutcome driveLoop(String runId) throws InterruptedException {
        ledger.releaseHolds(runId);
        wait.start();
        while (true) {
            if (wait.expired()) {
                report(runId);
                throw wait.gaveUp("run " + runId);
            }
            if (step(runId)) {
                report(runId);
                continue;
            }
            Optional<RunOutcome> end = finishedOrHeld(runId);
            if (end.isPresent()) {
                report(runId);
                return end.get();
            }
            sleeper.sleep(untilNextDue(runId));
        }
    }

    /**
     * Works on every active run until none has work left (a worker sharing PostgreSQL with others).
     *
     * @throws UpstreamGaveUpException after {@code giveUpAfter} without getting through to the upstream
     * @throws InterruptedException when interrupted while waiting
     */
    public void work() throws InterruptedException {
        try {
            workLoop();
            ctx.spans.endRuns("no_work_left");
        } catch (InterruptedException | RuntimeException e) {
            ctx.spans.endRun(null, e);
            throw e;
        }
    }

    private void workLoop() throws InterruptedException {
        wait.start();
        while (true) {
            if (wait.expired()) {
                throw wait.gaveUp("every active run");
            }
            if (step(null)) {
                continue;
            }
            List<RunRecord> active = ledger.activeRuns();
            boolean busy = false;
            for (RunRecord r : active) {
                busy |= finishedOrHeld(r.runId()).isEmpty();
            }
            if (!busy) {
                return;
            }
            sleeper.sleep(config.pollInterval().dividedBy(4));
        }
    }

    /**
     * Ends the run spans this process opened by driving with {@link #step} alone (which, unlike
     * {@link #drive} and {@link #work}, cannot know when the caller is done): with {@code
     * keel.batch.run.outcome} {@code outcome}, or {@code failed} and the error when {@code error} is
     * not null. Does nothing when not tracing.
     */
    public void endRunSpans(String outcome, Throwable error) {
        if (error != null) {
            ctx.spans.endRun(null, error);
        } else {
            ctx.spans.endRuns(outcome);
        }
    }

    /** Claims one chunk with work due and advances it; false when none was due. */
    public boolean step(String runId) {
        long now = clock.millis();
        Optional<ChunkRecord> claimed =
                ledger.claim(runId, config.workerId(), now, config.lease().toMillis());
        if (claimed.isEmpty()) {
            return false;
        }
        ChunkRecord ch = claimed.get();
        try {
            advance(ch);
            wait.reached();
        } catch (KeelException e) {
            if (collector.forgotten(ch, e)) {
                wait.reached();
                return true;
            }
            if (!e.kind().retryable()) {
                release(ch);
                throw e;
            }
            ctx.event(ch, "upstream " + e.kind() + " (" + e.getMessage() + "); next try in " + config.pollInterval());
            progress.waiting(wait.failed(e));
            later(ch);
        } catch (LeaseLostException e) {
            // Another worker took the chunk over while this one was slower than its lease (a stall, a
            // slow upload): the ledger refused this worker's write, so nothing of it was applied. The
            // chunk is the new owner's now; this worker goes on with other work.
            ctx.lastEvent(e.getMessage());
            log.warn(
                    "run={} chunk={} {}; left to its new owner. If this happens often, raise --lease (now {})",
                    ch.runId(),
                    ch.chunkNo(),
                    e.getMessage(),
                    config.lease());
        } catch (RuntimeException e) {
            release(ch);
            throw e;
        }
        return true;
    }

    private void advance(ChunkRecord ch) {
        RunRecord run = ledger.run(ch.runId()).orElseThrow();
        boolean cancelling = run.cancelling();
        switch (ch.state()) {
            case PLANNED, UPLOADED -> {
                if (cancelling) {
                    collector.cancelUnsubmitted(ch);
                } else if (!ceilings.held(ch)) {
                    if (ch.state() == ChunkState.PLANNED && flexLane.takes(ch)) {
                        flex(ch);
                    } else if (ch.state() == ChunkState.PLANNED) {
                        ledger.beginUpload(ch.runId(), ch.chunkNo(), config.workerId(), clock.millis());
                        submitter.upload(ch, false, run);
                    } else {
                        submitter.create(ch, false);
                    }
                }
            }
            case UPLOADING -> {
                if (cancelling) {
                    collector.cancelUnsubmitted(ch);
                } else {
                    submitter.upload(ch, true, run);
                }
            }
            case CREATING -> {
                if (cancelling && submitter.findBatch(ch) == null) {
                    collector.cancelUnsubmitted(ch);
                } else {
                    submitter.create(ch, true);
                }
            }
            case SUBMITTED -> {
                if (ch.batchId() == null && flexLane.takes(ch)) {
                    flex(ch);
                } else {
                    collector.poll(ch, cancelling);
                }
            }
            case DONE, CANCELLED, REFUSED -> release(ch);
        }
    }

    private void flex(ChunkRecord ch) {
        try {
            flexLane.run(ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(ch);
        }
    }

    // ---- schedule ----

    private Optional<RunOutcome> finishedOrHeld(String runId) {
        RunRecord run = ledger.run(runId).orElseThrow();
        List<ChunkRecord> open =
                ledger.chunks(runId).stream().filter(c -> c.state().open()).toList();
        Map<ItemState, Long> counts = ledger.itemCounts(runId);
        boolean cancelled = run.state() != RunState.ACTIVE;
        if (open.isEmpty()) {
            ledger.finishRun(runId, clock.millis());
            return Optional.of(new RunOutcome.Finished(
                    runId,
                    counts.get(ItemState.SUCCEEDED) + counts.get(ItemState.REUSED),
                    counts.get(ItemState.FINAL_FAIL),
                    cancelled));
        }
        if (open.stream().allMatch(c -> c.holdReason() != null)) {
            long held = open.stream().mapToLong(ChunkRecord::items).sum();
            List<String> reasons =
                    open.stream().map(ChunkRecord::holdReason).distinct().toList();
            return Optional.of(new RunOutcome.Held(runId, held, reasons));
        }
        return Optional.empty();
    }

    private Duration untilNextDue(String runId) {
        long now = clock.millis();
        long next = Long.MAX_VALUE;
        for (ChunkRecord c : ledger.chunks(runId)) {
            if (c.state().open() && c.holdReason() == null) {
                next = Math.min(next, c.nextPollAt() == null ? now : c.nextPollAt());
            }
        }
        Duration cap = wakeEvery != null ? wakeEvery : config.pollInterval();
        long wait = Math.max(20, Math.min(next - now, cap.toMillis()));
        return Duration.ofMillis(wait);
    }

    private void later(ChunkRecord ch) {
        ledger.later(
                ch.runId(),
                ch.chunkNo(),
                config.workerId(),
                clock.millis() + config.pollInterval().toMillis());
    }

    private void release(ChunkRecord ch) {
        ctx.release(ch);
    }

    private void report(String runId) {
        Map<ItemState, Long> c = ledger.itemCounts(runId);
        long total = c.values().stream().mapToLong(Long::longValue).sum();
        progress.progress(new RunProgress(
                runId,
                total,
                c.get(ItemState.PENDING),
                c.get(ItemState.SUBMITTED),
                c.get(ItemState.SUCCEEDED) + c.get(ItemState.REUSED),
                c.get(ItemState.FINAL_FAIL),
                ctx.lastEvent()));
    }
}
