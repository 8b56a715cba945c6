package dev.keel.batch.run;

import dev.keel.batch.ledger.ChunkCompletion;
import dev.keel.batch.ledger.ChunkMove;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.batch.plan.Planner;
import dev.keel.core.KeelClient;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of one chunk on their way into one ledger transaction: each routed exactly once — a
 * success priced at its tier into the result sink, a failure classified by the replay policy into
 * the replay chunk (while replays remain) or the manual queue — and the chunk's completion built
 * from them. Not thread-safe; one per chunk step.
 */
final class ChunkRouting {

    private static final int ROUND_STRIDE = 1_000_000;

    private final PriceTable prices;
    private final ReplayPolicy policy;
    private final RunConfig config;
    private final Clock clock;
    private final KeelClient client;
    private final SyncLane sync;
    final ChunkRecord ch;
    final String batchId;
    final boolean cancelling;
    final List<ChunkCompletion.Success> successes = new ArrayList<>();
    final List<ChunkCompletion.Failure> failures = new ArrayList<>();
    final List<ItemRecord> replays = new ArrayList<>();
    /** Usage of the lines the Batch API ran (not the sync fallbacks, which the pipeline priced). */
    final List<TokenUsage> batchUsage = new ArrayList<>();

    double cost;
    double est;

    ChunkRouting(RunnerContext ctx, ChunkRecord ch, String batchId, boolean cancelling) {
        this.prices = ctx.prices;
        this.policy = ctx.policy;
        this.config = ctx.config;
        this.clock = ctx.clock;
        this.client = ctx.client;
        this.sync = new SyncLane(ctx.client, ctx.options, ctx.prices, ctx.flex);
        this.ch = ch;
        this.batchId = batchId;
        this.cancelling = cancelling;
    }

    /** Routes one line of {@code item}: into the sink, the replay chunk or the manual queue. */
    void add(ItemRecord item, LineOutcome line) {
        if (line instanceof LineOutcome.Failure f
                && ch.fallbackAt() != null
                && !cancelling
                && (f.code().equals("sync_fallback") || f.code().equals("batch_cancelled"))) {
            line = sync.fallback(ch, item);
        }
        switch (line) {
            case LineOutcome.Success s -> success(item, s);
            case LineOutcome.Failure f -> {
                FailureClass cls = policy.classify(f);
                boolean replay = cls.retryable() && !cancelling && item.replayCount() < config.maxReplays();
                fail(item, f.code(), cls.label(), f.statusCode(), f.message(), replay);
            }
        }
    }

    /** A 200 answer into the sink, priced at the tier that ran it (and at standard for the comparison). */
    void success(ItemRecord item, LineOutcome.Success s) {
        TokenUsage usage = TokenUsage.fromJson(s.body().path("usage"));
        PriceTier tier = s.tier();
        double c = prices.find(ch.model()).isPresent()
                ? prices.cost(ch.model(), tier, usage).doubleValue()
                : 0;
        double standard = prices.find(ch.model()).isPresent()
                ? prices.cost(ch.model(), PriceTier.STANDARD, usage).doubleValue()
                : 0;
        cost += tier == PriceTier.BATCH ? c : 0;
        if (tier == PriceTier.BATCH) {
            batchUsage.add(usage);
        }
        successes.add(new ChunkCompletion.Success(
                item.customId(),
                item.replayCount(),
                200,
                Json.write(s.body()),
                batchId,
                s.requestId(),
                tier.name(),
                usage.input(),
                usage.cachedInput(),
                usage.output(),
                c,
                standard));
    }

    /** A failed attempt: replayed in the next round when {@code replay}, else final (the manual queue). */
    void fail(ItemRecord item, String code, String cls, Integer status, String message, boolean replay) {
        failures.add(new ChunkCompletion.Failure(
                item.customId(), item.replayCount(), batchId, code, cls, status, message, replay));
        if (replay) {
            replays.add(item);
        }
    }

    /**
     * Adds the collected batch lines to {@code cost_usd_total} at batch prices, once the ledger
     * committed them: collection is the one time a batched generation is priced (polls never are),
     * and a collection the ledger refused (a lost lease) is not counted.
     */
    void meterBatchCost() {
        for (TokenUsage u : batchUsage) {
            client.costMetrics().recordBatch(ch.model(), u);
        }
    }

    ChunkCompletion completion(ChunkMove end, String status) {
        ChunkRecord replay = replays.isEmpty() ? null : replayChunk();
        double delta = ch.spendDay() == null ? 0 : cost - ch.estCostUsd();
        return new ChunkCompletion(
                ch.runId(),
                ch.chunkNo(),
                config.workerId(),
                end,
                status,
                clock.millis(),
                successes,
                failures,
                replay,
                successes.size(),
                failures.size(),
                cost,
                ch.spendDay(),
                delta);
    }

    ChunkRecord replayChunk() {
        int round = ch.round() + 1;
        int no = round * ROUND_STRIDE + ch.chunkNo() % ROUND_STRIDE;
        String name = Planner.chunkFileName(ch.runId(), ch.chunkNo() % ROUND_STRIDE, round);
        long estIn = 0;
        long estOut = 0;
        long bytes = 0;
        for (ItemRecord i : replays) {
            estIn += i.estInputTokens();
            estOut += i.estOutputTokens();
            bytes += i.line().getBytes(StandardCharsets.UTF_8).length + 1L;
        }
        double estCost = prices.find(ch.model()).isPresent()
                ? prices.cost(ch.model(), PriceTier.BATCH, new TokenUsage(estIn, 0, estOut))
                        .doubleValue()
                : 0;
        return ChunkRecord.planned(
                ch.runId(),
                no,
                round,
                ch.url(),
                ch.model(),
                name,
                replays.size(),
                bytes,
                estIn,
                estOut,
                estCost,
                clock.millis());
    }

    int successCount() {
        return successes.size();
    }

    int failureCount() {
        return failures.size();
    }

    int replayCount() {
        return replays.size();
    }
}
