package dev.keel.batch.run;

import dev.keel.batch.ledger.ChunkCompletion;
import dev.keel.batch.ledger.ChunkMove;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.FlexRecords;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The flex route: a chunk's items sent through the synchronous pipeline with {@code service_tier:
 * "flex"} ({@link SyncLane#flex}), at most {@link FlexConfig#concurrency} at once, instead of a
 * batch. The chunk is taken in the ledger first ({@link FlexRecords#begin}: SUBMITTED, no batch),
 * and every answer is settled as it arrives ({@link FlexRecords#settle}: a success priced at the tier
 * the answer reports, or a final failure), so after a crash the rerun sends only the items that had
 * no answer recorded — at most the calls that were in flight. A {@code 429} that outlasts the retry
 * budget goes by {@link FlexFallback}: to a Batch API chunk, to the standard tier at once, or to the
 * manual queue. A retryable failure is replayed in the next round as a batch line would be; once
 * every item is settled the chunk ends ({@link ChunkMove#COLLECTED}) with its replays in one ledger
 * transaction. Not thread-safe; one per runner (its calls run on a pool it owns per chunk).
 */
final class FlexLane {

    /** Answers settled in one ledger transaction at most. */
    private static final int SETTLE_GROUP = 256;

    private final RunnerContext ctx;
    private final Ledger ledger;
    private final FlexRecords records;
    private final Map<String, BatchRoute> routes = new HashMap<>();

    FlexLane(RunnerContext ctx) {
        this.ctx = ctx;
        this.ledger = ctx.ledger;
        this.records = new FlexRecords(ctx.ledger);
    }

    /**
     * The route of {@code runId}, chosen once per runner ({@link FlexConfig#choose}).
     *
     * @throws IllegalArgumentException for {@code --route flex} on a run with a model the price
     *     table has no flex rate for
     */
    BatchRoute routeOf(String runId) {
        BatchRoute known = routes.get(runId);
        if (known != null) {
            return known;
        }
        RunRecord run = ledger.run(runId).orElseThrow();
        List<String> unpriced = records.models(runId).stream()
                .filter(m -> !SyncLane.flexPriced(ctx.prices, m))
                .toList();
        FlexConfig flex = ctx.flex;
        if (flex.route() == BatchRoute.FLEX && !unpriced.isEmpty()) {
            throw new IllegalArgumentException("--route flex: " + String.join(", ", unpriced)
                    + " has no flex rate in the price table (as of " + ctx.prices.asOf() + "), so its flex"
                    + " calls could not be priced; Flex serves a limited set of models. Use --route batch (or"
                    + " auto), or, if flex serves it, add a \"flex\" tier for it with --prices FILE");
        }
        BatchRoute r = flex.choose(run.items(), ctx.config.latencyTolerance(), unpriced.isEmpty());
        routes.put(runId, r);
        return r;
    }

    /** Whether {@code ch} goes (or went) the flex way: its pinned route, else its run's. */
    boolean takes(ChunkRecord ch) {
        return records.route(ch.runId(), ch.chunkNo())
                .map(FlexRecords.FLEX::equals)
                .orElseGet(() -> ch.state() == ChunkState.PLANNED && routeOf(ch.runId()) == BatchRoute.FLEX);
    }

    /** Sends the unanswered items of {@code claimed} (PLANNED, or SUBMITTED after a crash) and ends it. */
    void run(ChunkRecord claimed) throws InterruptedException {
        FlexConfig flex = ctx.flex;
        RunConfig config = ctx.config;
        if (claimed.state() == ChunkState.PLANNED) {
            records.begin(claimed.runId(), claimed.chunkNo(), config.workerId(), ctx.clock.millis());
        }
        ChunkRecord ch = ledger.chunk(claimed.runId(), claimed.chunkNo()).orElseThrow();
        var todo = new ArrayDeque<ItemRecord>();
        for (ItemRecord i : ledger.chunkItems(ch.runId(), ch.chunkNo())) {
            if (i.state() == ItemState.SUBMITTED) {
                todo.add(i);
            }
        }
        int items = todo.size();
        var sync = new SyncLane(ctx.client, ctx.options, ctx.prices, flex);
        var ending = new ChunkRouting(ctx, ch, FlexRecords.FLEX, false);
        boolean toBatch = false;
        int cancelled = 0;
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(flex.concurrency(), Math.max(1, items)),
                Thread.ofPlatform().daemon().name("keel-flex-", 0).factory());
        try {
            var done = new ExecutorCompletionService<Answer>(pool);
            int inFlight = 0;
            while (inFlight < flex.concurrency() && !todo.isEmpty()) {
                submit(done, sync, ch, todo.poll(), flex.fallback());
                inFlight++;
            }
            while (inFlight > 0) {
                var group = new ArrayList<Answer>();
                group.add(take(done.take()));
                inFlight--;
                Future<Answer> more;
                while (group.size() < SETTLE_GROUP && (more = done.poll()) != null) {
                    group.add(take(more));
                    inFlight--;
                }
                boolean cancelling =
                        ledger.run(ch.runId()).map(RunRecord::cancelling).orElse(false);
                var settle = new ChunkRouting(ctx, ch, FlexRecords.FLEX, cancelling);
                for (Answer a : group) {
                    if (a.outcome() instanceof LineOutcome.Failure f
                            && SyncLane.isFlexUnavailable(f)
                            && a.tier() == Tier.FLEX
                            && flex.fallback() != FlexFallback.STANDARD) {
                        if (flex.fallback() == FlexFallback.BATCH && !cancelling) {
                            ending.fail(
                                    a.item(),
                                    f.code(),
                                    "rate_limit",
                                    f.statusCode(),
                                    f.message() + " (flex kept refusing past the retry budget; moved to the Batch"
                                            + " API: --flex-fallback batch)",
                                    true);
                            toBatch = true;
                        } else {
                            settle.fail(
                                    a.item(),
                                    f.code(),
                                    "final",
                                    f.statusCode(),
                                    f.message() + " (flex kept refusing past the retry budget: --flex-fallback "
                                            + flex.fallback().label() + ")",
                                    false);
                        }
                        continue;
                    }
                    settle.add(a.item(), a.outcome());
                }
                var finals = new ArrayList<ChunkCompletion.Failure>();
                for (var f : settle.failures) {
                    if (f.replay()) {
                        ending.failures.add(f);
                    } else {
                        finals.add(f);
                    }
                }
                ending.replays.addAll(settle.replays);
                long now = ctx.clock.millis();
                records.settle(
                        ch.runId(),
                        ch.chunkNo(),
                        config.workerId(),
                        now,
                        now + config.lease().toMillis(),
                        settle.successes,
                        finals);
                while (!cancelling && inFlight < flex.concurrency() && !todo.isEmpty()) {
                    submit(done, sync, ch, todo.poll(), flex.fallback());
                    inFlight++;
                }
                if (cancelling && !todo.isEmpty() && inFlight == 0) {
                    var stop = new ChunkRouting(ctx, ch, FlexRecords.FLEX, true);
                    for (ItemRecord i : todo) {
                        stop.fail(
                                i,
                                "batch_cancelled",
                                "final",
                                null,
                                "the run was cancelled before this request was" + " sent",
                                false);
                    }
                    cancelled = todo.size();
                    todo.clear();
                    records.settle(
                            ch.runId(),
                            ch.chunkNo(),
                            config.workerId(),
                            ctx.clock.millis(),
                            ctx.clock.millis() + config.lease().toMillis(),
                            List.of(),
                            stop.failures);
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
        long[] counts = records.chunkCounts(ch.runId(), ch.chunkNo());
        ChunkRecord replay = ending.replays.isEmpty() ? null : ending.replayChunk();
        ledger.complete(new ChunkCompletion(
                ch.runId(),
                ch.chunkNo(),
                config.workerId(),
                ChunkMove.COLLECTED,
                FlexRecords.FLEX,
                ctx.clock.millis(),
                List.of(),
                ending.failures,
                replay,
                (int) counts[0],
                (int) counts[1] + ending.failures.size(),
                records.chunkCost(ch.runId(), ch.chunkNo()),
                null,
                0,
                toBatch ? FlexRecords.BATCH : null));
        ctx.event(
                ch,
                String.format(
                        "flex: %d sent, %d ok, %d to replay%s, %d final%s",
                        items - cancelled,
                        counts[0],
                        ending.replays.size(),
                        toBatch ? " (through the Batch API)" : "",
                        counts[1],
                        cancelled > 0 ? ", " + cancelled + " cancelled unsent" : ""));
    }

    /** Which tier an answer's last try was sent at. */
    private enum Tier {
        FLEX,
        STANDARD
    }

    private record Answer(ItemRecord item, LineOutcome outcome, Tier tier) {}

    private static void submit(
            ExecutorCompletionService<Answer> done,
            SyncLane sync,
            ChunkRecord ch,
            ItemRecord item,
            FlexFallback fallback) {
        done.submit(() -> {
            LineOutcome o = sync.flex(ch, item);
            if (fallback == FlexFallback.STANDARD
                    && o instanceof LineOutcome.Failure f
                    && SyncLane.isFlexUnavailable(f)) {
                return new Answer(item, sync.run(ch, item), Tier.STANDARD);
            }
            return new Answer(item, o, Tier.FLEX);
        });
    }

    private static Answer take(Future<Answer> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("a flex call failed: " + e.getCause(), e.getCause());
        }
    }
}
