package dev.keel.batch.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.OrphanRecord;
import dev.keel.core.cost.CostSplit;
import dev.keel.wire.json.Json;
import java.util.List;
import java.util.Locale;

/**
 * A run's report: items, replays, cost from real usage vs the same work at sync prices, spend per
 * day against the cap, submit-to-complete latency, and the recipe's alert ({@code fail / max(input,
 * 1) > threshold}, default 3 %), where {@code fail} counts items that failed for good. {@code
 * reused} counts items answered from an earlier run's result for the same request (not submitted,
 * not paid again); they are part of {@code input} and not of {@code ok}. {@code costSplit} is the
 * results' cost by the tier they were priced at and by token kind (empty when the report was built
 * without a price table). {@code flexCostUsd} is what the items the flex route (or a flex sync
 * fallback) ran cost; {@code syncFallbackCostUsd} is the standard tier's share (the sync fallback,
 * and {@code --flex-fallback standard}). {@code wallMs} is the run's wall time from planning to its
 * end, null while it runs.
 */
public record RunReport(
        String runId,
        String state,
        String inputFile,
        long input,
        long rejected,
        long ok,
        long failedOnce,
        long manual,
        long pending,
        long replays,
        double batchCostUsd,
        double syncFallbackCostUsd,
        double syncEquivalentUsd,
        List<Day> days,
        Double dailyCapUsd,
        long chunks,
        long latencyP50Ms,
        long latencyMaxMs,
        double alertThreshold,
        long reused,
        List<OrphanRecord> orphans,
        CostSplit costSplit,
        double flexCostUsd,
        Long wallMs) {

    /** What the orphans the sweep cancelled are counted at (their chunks' estimates). */
    public double orphanCostUsd() {
        return orphans.stream().mapToDouble(OrphanRecord::costUsd).sum();
    }

    /** One day of the recipe's budget dashboard, plus the spend the ledger holds for it. */
    public record Day(String date, long input, long ok, long fail, double spentUsd) {}

    /** What the run cost: batch and flex usage plus any synchronous fallback, plus cancelled orphans' estimates. */
    public double effectiveCostUsd() {
        return batchCostUsd + flexCostUsd + syncFallbackCostUsd + orphanCostUsd();
    }

    /** Effective cost over the same work at sync prices (0.5 is the Batch API's discount). */
    public double costRatio() {
        return syncEquivalentUsd == 0 ? 0 : effectiveCostUsd() / syncEquivalentUsd;
    }

    /** Savings against sync prices, in percent. */
    public double savingsPercent() {
        return syncEquivalentUsd == 0 ? 0 : 100 * (1 - costRatio());
    }

    /** Final failures over input, guarded against an empty run. */
    public double failRate() {
        return (double) manual / Math.max(input, 1);
    }

    public boolean alert() {
        return failRate() > alertThreshold;
    }

    /** The report as JSON. */
    public ObjectNode toJson() {
        ObjectNode j = Json.object().put("run_id", runId).put("state", state).put("input_file", inputFile);
        j.putObject("items")
                .put("input", input)
                .put("rejected", rejected)
                .put("ok", ok)
                .put("failed_once", failedOnce)
                .put("manual", manual)
                .put("pending", pending)
                .put("replays", replays)
                .put("reused", reused);
        j.putObject("cost_usd")
                .put("batch", batchCostUsd)
                .put("flex", flexCostUsd)
                .put("sync_fallback", syncFallbackCostUsd)
                .put("orphans", orphanCostUsd())
                .put("effective", effectiveCostUsd())
                .put("sync_equivalent", syncEquivalentUsd)
                .put("ratio", costRatio())
                .put("savings_percent", savingsPercent());
        if (!costSplit.isEmpty()) {
            j.set("cost_split", costSplit.toJson());
        }
        var days = j.putArray("days");
        for (Day d : this.days) {
            days.addObject()
                    .put("date", d.date())
                    .put("input", d.input())
                    .put("ok", d.ok())
                    .put("fail", d.fail())
                    .put("spent_usd", d.spentUsd());
        }
        if (dailyCapUsd != null) {
            j.put("daily_cap_usd", dailyCapUsd);
        }
        var orphanList = j.putArray("orphans");
        for (OrphanRecord o : orphans) {
            var e = orphanList.addObject().put("batch_id", o.batchId());
            if (o.chunkNo() == null) {
                e.putNull("chunk");
            } else {
                e.put("chunk", o.chunkNo());
            }
            e.put("action", o.action()).put("status", o.status()).put("cost_usd", o.costUsd());
        }
        var lat = j.putObject("latency_ms")
                .put("chunks", chunks)
                .put("p50", latencyP50Ms)
                .put("max", latencyMaxMs);
        if (wallMs == null) {
            lat.putNull("wall");
        } else {
            lat.put("wall", wallMs);
        }
        j.putObject("alert")
                .put("fail_rate", failRate())
                .put("threshold", alertThreshold)
                .put("firing", alert());
        return j;
    }

    /** The report as text for a terminal. */
    public String toText() {
        var b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "run %s (%s) — %s%n", runId, state.toLowerCase(Locale.ROOT), inputFile));
        b.append(String.format(
                Locale.ROOT,
                "items     %d in, %d ok, %s%d failed at least once, %d manual, %d pending, %d rejected; %d replays%n",
                input,
                ok,
                reused > 0 ? reused + " reused from earlier runs, " : "",
                failedOnce,
                manual,
                pending,
                rejected,
                replays));
        b.append(String.format(
                Locale.ROOT,
                "cost      $%.6f batch%s = $%.6f vs $%.6f at sync prices: ratio %.3f, savings %.1f%%%n",
                batchCostUsd,
                (flexCostUsd > 0 ? String.format(Locale.ROOT, " + $%.6f flex", flexCostUsd) : "")
                        + (syncFallbackCostUsd > 0
                                ? String.format(Locale.ROOT, " + $%.6f sync fallback", syncFallbackCostUsd)
                                : "")
                        + (orphanCostUsd() > 0 ? String.format(Locale.ROOT, " + $%.6f orphans", orphanCostUsd()) : ""),
                effectiveCostUsd(),
                syncEquivalentUsd,
                costRatio(),
                savingsPercent()));
        for (String line : costSplit.textLines()) {
            b.append("  by tier ").append(line).append(String.format("%n"));
        }
        for (Day d : days) {
            b.append(String.format(
                    Locale.ROOT,
                    "day       %s: input %d, ok %d, fail %d, spent $%.6f%s%n",
                    d.date(),
                    d.input(),
                    d.ok(),
                    d.fail(),
                    d.spentUsd(),
                    dailyCapUsd == null ? "" : String.format(Locale.ROOT, " of $%.2f cap", dailyCapUsd)));
        }
        if (!orphans.isEmpty()) {
            long cancelled = orphans.stream()
                    .filter(o -> o.action().equals(OrphanRecord.CANCELLED))
                    .count();
            long adopted = orphans.stream()
                    .filter(o -> o.action().equals(OrphanRecord.ADOPTED))
                    .count();
            b.append(String.format(
                    Locale.ROOT,
                    "orphans   %d batches upstream owned by no chunk: %d cancelled, %d already ended, %d adopted (%s);"
                            + " $%.6f counted in cost and daily spend%n",
                    orphans.size(),
                    cancelled,
                    orphans.size() - cancelled - adopted,
                    adopted,
                    String.join(
                            ", ", orphans.stream().map(OrphanRecord::batchId).toList()),
                    orphanCostUsd()));
        }
        b.append(String.format(
                Locale.ROOT,
                "latency   submit to complete over %d chunks: p50 %s, max %s; wall time %s%n",
                chunks,
                human(latencyP50Ms),
                human(latencyMaxMs),
                wallMs == null ? "(running)" : human(wallMs)));
        b.append(String.format(
                Locale.ROOT,
                "alert     fail/max(input,1) = %.2f%% (threshold %.2f%%): %s%n",
                100 * failRate(),
                100 * alertThreshold,
                alert() ? "FIRING" : "ok"));
        return b.toString();
    }

    private static String human(long ms) {
        if (ms < 10_000) {
            return ms + " ms";
        }
        if (ms < 600_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%.1f min", ms / 60_000.0);
    }
}
