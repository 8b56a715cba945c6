package dev.keel.batch.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.ResultRecord;
import dev.keel.batch.ledger.RunHistory;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.core.cost.CostSplit;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.TokenUsage;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds a run's report and writes its exports from the ledger. Thread-safe. */
public final class Reports {

    private final Ledger ledger;
    private final RunHistory history;
    /** Prices the cost split; null builds reports without one. */
    private final PriceTable prices;

    public Reports(Ledger ledger) {
        this(ledger, null);
    }

    /** Reports whose cost is also split by tier and token kind, priced from {@code prices}. */
    public Reports(Ledger ledger, PriceTable prices) {
        this.ledger = ledger;
        this.history = new RunHistory(ledger);
        this.prices = prices;
    }

    /**
     * The run's results (those it paid for: not reused from an earlier run) by the tier they were
     * priced at and by token kind, re-priced from each result body's {@code usage} exactly as the
     * runner priced it. A result whose model or tier the table does not price is left out of the
     * split (its cost is still in the ledger's totals).
     */
    private CostSplit costSplit(String runId) {
        var split = new CostSplit();
        history.forEachResult(runId, r -> {
            if (r.reusedFrom() != null || r.tier() == null) {
                return;
            }
            var tier = PriceTier.ofKey(r.tier().toLowerCase(java.util.Locale.ROOT));
            JsonNode body = jsonOrText(r.body());
            String model = body.path("model").asText(null);
            if (tier.isEmpty() || model == null || prices.find(model).isEmpty()) {
                return;
            }
            JsonNode usage = body.get("usage");
            try {
                split.add(prices, model, tier.get(), TokenUsage.fromJson(usage), reasoning(usage));
            } catch (dev.keel.core.cost.UnknownModelPriceException e) {
                // not priced by this table: in the ledger's totals, not in the split
            }
        });
        return split;
    }

    private static long reasoning(JsonNode usage) {
        if (usage == null) {
            return 0;
        }
        return usage.has("output_tokens_details")
                ? usage.path("output_tokens_details").path("reasoning_tokens").asLong()
                : usage.path("completion_tokens_details")
                        .path("reasoning_tokens")
                        .asLong();
    }

    /**
     * The report of {@code runId}.
     *
     * @throws IllegalArgumentException when the ledger has no such run
     */
    public RunReport report(String runId, Double dailyCapUsd, double alertThreshold) {
        RunRecord run = ledger.run(runId)
                .orElseThrow(() -> new IllegalArgumentException("no run " + runId + " in ledger " + ledger.database()));
        Map<ItemState, Long> counts = ledger.itemCounts(runId);
        RunHistory.Costs cost = history.costs(runId);
        long failedOnce = history.failedOnce(runId);
        long replays = history.replays(runId);
        List<Long> latencies = history.latencies(runId);
        long p50 = latencies.isEmpty() ? 0 : latencies.get((latencies.size() - 1) / 2);
        long max = latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1);
        return new RunReport(
                runId,
                run.state().name(),
                run.inputFile(),
                run.items(),
                run.rejected(),
                counts.get(ItemState.SUCCEEDED),
                failedOnce,
                counts.get(ItemState.FINAL_FAIL),
                counts.get(ItemState.PENDING) + counts.get(ItemState.SUBMITTED),
                replays,
                cost.batchUsd(),
                cost.syncUsd(),
                cost.syncEquivalentUsd(),
                days(runId),
                dailyCapUsd,
                latencies.size(),
                p50,
                max,
                alertThreshold,
                counts.get(ItemState.REUSED),
                new dev.keel.batch.ledger.Orphans(ledger).of(runId),
                prices == null ? new CostSplit() : costSplit(runId),
                cost.flexUsd(),
                run.finishedAt() == null ? null : run.finishedAt() - run.createdAt());
    }

    private List<RunReport.Day> days(String runId) {
        var out = new ArrayList<RunReport.Day>();
        for (var d : history.endedByDay(runId)) {
            out.add(new RunReport.Day(
                    d.day(), d.succeeded() + d.failed(), d.succeeded(), d.failed(), ledger.spent(d.day())));
        }
        return out;
    }

    /**
     * Writes {@code results.jsonl}, {@code failed.jsonl} and {@code manual.jsonl} into {@code dir}
     * (and {@link SandboxMark#FILE} for a sandbox run).
     */
    public void export(String runId, Path dir) {
        try {
            Files.createDirectories(dir);
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("results.jsonl"), StandardCharsets.UTF_8)) {
                history.forEachResult(runId, r -> write(w, result(r)));
            }
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("failed.jsonl"), StandardCharsets.UTF_8)) {
                history.forEachAttempt(
                        runId,
                        a -> write(
                                w,
                                failure(
                                                a.customId(),
                                                a.replayCount(),
                                                a.code(),
                                                a.cls(),
                                                a.statusCode(),
                                                a.message(),
                                                a.line())
                                        .put("batch_id", a.batchId())));
            }
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("manual.jsonl"), StandardCharsets.UTF_8)) {
                history.forEachItem(
                        runId,
                        ItemState.FINAL_FAIL,
                        i -> write(
                                w,
                                failure(
                                        i.customId(),
                                        i.replayCount(),
                                        i.errorCode(),
                                        i.errorClass(),
                                        null,
                                        i.errorMessage(),
                                        i.line())));
            }
            SandboxMark.export(ledger, runId, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write exports to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode result(ResultRecord r) {
        ObjectNode o = Json.object()
                .put("custom_id", r.customId())
                .put("status_code", r.statusCode())
                .put("replay_count", r.replayCount())
                .put("batch_id", r.batchId())
                .put("request_id", r.requestId())
                .put("tier", r.tier().toLowerCase())
                .put("cost_usd", r.costUsd());
        o.set("body", jsonOrText(r.body()));
        if (r.reusedFrom() != null) {
            o.put("reused_from", r.reusedFrom());
        }
        return o;
    }

    /**
     * {@code stored} as JSON when it is JSON, else as a JSON string: the ledger may hold text that is
     * not JSON (a line planned by an older keel, an upstream's odd body), and an export must never
     * fail on what the ledger holds.
     */
    static JsonNode jsonOrText(String stored) {
        if (stored == null) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        try {
            return Json.parse(stored);
        } catch (JsonSyntaxException e) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(stored);
        }
    }

    private static ObjectNode failure(
            String customId, int replayCount, String code, String cls, Integer status, String message, String line) {
        ObjectNode o = Json.object()
                .put("custom_id", customId)
                .put("replay_count", replayCount)
                .put("code", code)
                .put("class", cls);
        if (status != null) {
            o.put("status_code", status);
        }
        o.put("message", message);
        o.set("request", jsonOrText(line));
        return o;
    }

    private static void write(BufferedWriter w, JsonNode node) {
        try {
            w.write(Json.write(node));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
