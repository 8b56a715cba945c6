package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.ClaimHolder;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.report.ReplayBuilder;
import dev.keel.batch.report.RunReport;
import dev.keel.wire.json.Json;
import java.util.List;
import java.util.Map;

/**
 * The {@code --format json} documents of {@code keel batch} (docs/cli.md), in one vocabulary: a run
 * is {@code run_id, state, input_file}, its counts are the object {@code items} with the same names in
 * {@code status}, {@code report} and {@code runs} ({@code input, rejected, ok, manual, pending,
 * reused}), money is {@link CliJson#usd}. A field added later (e.g. {@code sandbox}) goes after the
 * existing ones. Stateless.
 */
final class BatchJson {

    private BatchJson() {}

    /** {@code keel batch status}: the run, its item counts and its chunks. */
    static ObjectNode status(RunRecord run, Map<ItemState, Long> counts, List<ChunkRecord> chunks) {
        ObjectNode j = head(run);
        items(j.putObject("items"), run, counts);
        var arr = j.putArray("chunks");
        for (ChunkRecord c : chunks) {
            var o = arr.addObject()
                    .put("chunk", c.chunkNo())
                    .put("round", c.round())
                    .put("items", c.items())
                    .put("model", c.model())
                    .put("state", CliJson.state(c.state().name()))
                    .put("batch_id", c.batchId())
                    .put("batch_status", CliJson.state(c.batchStatus()));
            if (c.holdReason() != null) {
                o.put("held", c.holdReason());
            }
        }
        return j;
    }

    /** Adds {@code driven_by}: the process driving the run now (worker, host, pid, command, since, lease_until). */
    static void drivenBy(ObjectNode status, ClaimHolder h) {
        status.putObject("driven_by")
                .put("worker", h.owner())
                .put("host", h.host())
                .put("pid", h.pid())
                .put("command", h.command())
                .put("since", java.time.Instant.ofEpochMilli(h.since()).toString())
                .put(
                        "lease_until",
                        java.time.Instant.ofEpochMilli(h.leaseUntil()).toString());
    }

    /** {@code keel batch replay}: how many failed lines were read, written to {@code out} and skipped why. */
    static ObjectNode replay(ReplayBuilder.Result r, java.nio.file.Path out) {
        return Json.object()
                .put("read", r.read())
                .put("written", r.written())
                .put("out", out.toString())
                .put("not_retryable", r.notRetryable())
                .put("replays_used_up", r.replaysUsedUp())
                .put("unreadable", r.problems().size());
    }

    /**
     * The item counts under the names {@code report} uses: {@code pending} is every item not yet
     * settled (waiting or in a batch), {@code in_batch} the part of it inside a submitted batch.
     */
    static void items(ObjectNode items, RunRecord run, Map<ItemState, Long> counts) {
        items.put("input", run.items())
                .put("rejected", run.rejected())
                .put("ok", counts.getOrDefault(ItemState.SUCCEEDED, 0L))
                .put("manual", counts.getOrDefault(ItemState.FINAL_FAIL, 0L))
                .put(
                        "pending",
                        counts.getOrDefault(ItemState.PENDING, 0L) + counts.getOrDefault(ItemState.SUBMITTED, 0L))
                .put("in_batch", counts.getOrDefault(ItemState.SUBMITTED, 0L))
                .put("reused", counts.getOrDefault(ItemState.REUSED, 0L));
    }

    /** {@code keel batch report} (and the report of run/cancel): the report with states and money normalised. */
    static ObjectNode report(RunReport report) {
        return normalise(report.toJson());
    }

    /** One entry of {@code keel batch runs}: the run, its counts and cost as its report has them. */
    static ObjectNode runEntry(RunRecord run, RunReport report) {
        ObjectNode full = report(report);
        ObjectNode j = head(run);
        j.put("created", CliJson.instant(run.createdAt()));
        j.put("finished", run.finishedAt() == null ? null : CliJson.instant(run.finishedAt()));
        j.set("items", full.get("items"));
        j.set("cost_usd", full.get("cost_usd"));
        return j;
    }

    private static ObjectNode head(RunRecord run) {
        return Json.object()
                .put("run_id", run.runId())
                .put("state", CliJson.state(run.state().name()))
                .put("input_file", run.inputFile());
    }

    /** States to lower snake case; money (fields ending {@code _usd}, amounts in {@code cost_usd}) to micro-dollars. */
    static ObjectNode normalise(ObjectNode j) {
        if (j.path("state").isTextual()) {
            j.put("state", CliJson.state(j.get("state").asText()));
        }
        roundMoney(j, false);
        return j;
    }

    private static void roundMoney(JsonNode node, boolean inCost) {
        if (node instanceof ObjectNode o) {
            var names = new java.util.ArrayList<String>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                boolean money = name.endsWith("_usd") || (inCost && !UNITLESS.contains(name));
                if (v.isNumber() && money) {
                    o.put(name, CliJson.usd(v.doubleValue()));
                } else {
                    roundMoney(v, name.equals("cost_usd"));
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(e -> roundMoney(e, false));
        }
    }

    /** Fields inside {@code cost_usd} that are not amounts. */
    private static final List<String> UNITLESS = List.of("ratio", "savings_percent");
}
