package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RequestReuse;
import dev.keel.batch.plan.RunInput;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.core.CallOptions;
import dev.keel.core.TrafficClass;
import dev.keel.core.api.BatchListParams;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edited input run again (issue 14, point 4): a finished input with one line appended is a new
 * run (new content hash), and only the new line reaches the upstream — counted by the emulator's own
 * batches — while every earlier custom_id with the same request is answered from the first run.
 */
class EditedInputTest {

    private static final RequestReuse SAME_UPSTREAM = new RequestReuse("emulator-under-test", true);

    @TempDir
    Path dir;

    private BatchFixture f;

    @BeforeEach
    void start() {
        f = BatchFixture.sqlite(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private PlanResult plan(RunInput input, RequestReuse reuse) {
        return new Planner(PlanConfig.ofDefaults().withMaxItems(4), f.prices, f.ledger, Clock.systemUTC())
                .withReuse(reuse)
                .plan(input, dir.resolve("runs").resolve(input.runId()));
    }

    private PlanResult plan(Path input, RequestReuse reuse) {
        return plan(RunInput.of(input), reuse);
    }

    /** Requests the emulator was given in batches: the sum of its batches' request_counts.total. */
    private long upstreamItems() {
        long n = 0;
        for (JsonNode b : f.client
                .batches()
                .listAll(BatchListParams.all(), CallOptions.defaults().withTrafficClass(TrafficClass.BATCH))) {
            n += b.path("request_counts").path("total").asLong();
        }
        return n;
    }

    private List<String> lines(int n) {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            lines.add(BatchFixture.responsesLine("item-" + i, "Summarise ticket " + i));
        }
        return lines;
    }

    private String finish(Path input) throws Exception {
        PlanResult first = plan(input, SAME_UPSTREAM);
        assertThat(f.runner(BatchFixture.fast()).drive(first.runId()))
                .isEqualTo(new RunOutcome.Finished(first.runId(), 6, 0, false));
        return first.runId();
    }

    @Test
    void anAppendedLine_isTheOnlyNewUpstreamItem_theRestAreReused() throws Exception {
        String first = finish(f.write("in.jsonl", lines(6)));
        assertThat(upstreamItems()).isEqualTo(6);
        int creates = f.creates();

        PlanResult second = plan(f.write("in.jsonl", lines(7)), SAME_UPSTREAM);
        assertThat(second.runId()).isNotEqualTo(first);
        assertThat(second.items()).isEqualTo(7);
        assertThat(second.reused()).isEqualTo(6);
        assertThat(second.chunks()).isEqualTo(1);
        assertThat(second.changedCount()).isZero();
        RunOutcome o = f.runner(BatchFixture.fast()).drive(second.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(second.runId(), 7, 0, false));
        assertThat(upstreamItems()).as("exactly one new upstream item").isEqualTo(7);
        assertThat(f.creates()).isEqualTo(creates + 1);
        assertThat(f.ledger.itemCounts(second.runId()))
                .containsEntry(ItemState.REUSED, 6L)
                .containsEntry(ItemState.SUCCEEDED, 1L);
        RunReport r = new Reports(f.ledger).report(second.runId(), null, 0.03);
        assertThat(r.reused()).isEqualTo(6);
        assertThat(r.ok()).isEqualTo(1);
        assertThat(r.input()).isEqualTo(7);
        assertThat(r.toText()).contains("6 reused from earlier runs");
        assertThat(r.toJson().at("/items/reused").asLong()).isEqualTo(6);
        RunReport before = new Reports(f.ledger).report(first, null, 0.03);
        assertThat(r.batchCostUsd()).as("only the new item is paid").isLessThan(before.batchCostUsd() / 3);

        new Reports(f.ledger).export(second.runId(), dir.resolve("out"));
        List<JsonNode> results = Files.readAllLines(dir.resolve("out/results.jsonl")).stream()
                .map(Json::parse)
                .toList();
        assertThat(results).hasSize(7);
        assertThat(results).filteredOn(j -> j.has("reused_from")).hasSize(6).allSatisfy(j -> {
            assertThat(j.path("reused_from").asText()).isEqualTo(first);
            assertThat(j.path("body").path("output").isArray()).isTrue();
            assertThat(j.path("cost_usd").asDouble()).isZero();
        });
    }

    @Test
    void anAppendedLine_onPostgres_isTheOnlyNewUpstreamItem() throws Exception {
        f.close();
        try (var pg = dev.keel.core.testing.TestPostgres.createSchema()) {
            f = new BatchFixture(dir, pg.jdbcUrl());
            String first = finish(f.write("in.jsonl", lines(6)));
            PlanResult second = plan(f.write("in.jsonl", lines(7)), SAME_UPSTREAM);
            assertThat(second.reused()).isEqualTo(6);
            assertThat(f.runner(BatchFixture.fast()).drive(second.runId()))
                    .isEqualTo(new RunOutcome.Finished(second.runId(), 7, 0, false));
            assertThat(upstreamItems()).isEqualTo(7);
            assertThat(f.history().results(second.runId()).stream()
                            .filter(r -> first.equals(r.reusedFrom()))
                            .count())
                    .isEqualTo(6L);
        }
    }

    @Test
    void noReuse_resubmitsEveryItem() throws Exception {
        finish(f.write("in.jsonl", lines(6)));
        PlanResult second = plan(f.write("in.jsonl", lines(7)), new RequestReuse("emulator-under-test", false));
        assertThat(second.reused()).isZero();
        assertThat(f.runner(BatchFixture.fast()).drive(second.runId()))
                .isEqualTo(new RunOutcome.Finished(second.runId(), 7, 0, false));
        assertThat(upstreamItems()).isEqualTo(6 + 7);
        assertThat(f.ledger.itemCounts(second.runId())).containsEntry(ItemState.REUSED, 0L);
    }

    @Test
    void anotherUpstream_reusesNothing() throws Exception {
        finish(f.write("in.jsonl", lines(6)));
        PlanResult second = plan(f.write("in.jsonl", lines(7)), new RequestReuse("https://api.example/v1", true));
        assertThat(second.reused()).isZero();
        assertThat(second.changedCount())
                .as("the same line for another upstream is another request")
                .isEqualTo(6);
    }

    @Test
    void aCustomIdWithAChangedRequest_isSubmittedAgainWithAWarning() throws Exception {
        finish(f.write("in.jsonl", lines(6)));
        List<String> edited = new ArrayList<>(lines(6));
        edited.set(2, BatchFixture.responsesLine("item-3", "Summarise ticket 3 again, shorter"));
        Path in = f.write("in.jsonl", edited);
        PlanResult second = plan(in, SAME_UPSTREAM);
        assertThat(second.reused()).isEqualTo(5);
        assertThat(second.changedCount()).isEqualTo(1);
        assertThat(second.changed()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(3);
            assertThat(w.customId()).isEqualTo("item-3");
            assertThat(w.toString()).startsWith(in + ":3: item-3: run run-").contains("different request");
        });
        assertThat(f.runner(BatchFixture.fast()).drive(second.runId()))
                .isEqualTo(new RunOutcome.Finished(second.runId(), 6, 0, false));
        assertThat(upstreamItems()).isEqualTo(7);
    }

    @Test
    void changedRequests_listAtMostTen_andCountTheRest() throws Exception {
        List<String> twelve = lines(12);
        PlanResult first = plan(f.write("in.jsonl", twelve), SAME_UPSTREAM);
        assertThat(f.runner(BatchFixture.fast()).drive(first.runId()))
                .isEqualTo(new RunOutcome.Finished(first.runId(), 12, 0, false));
        var edited = new ArrayList<String>();
        for (int i = 1; i <= 12; i++) {
            edited.add(BatchFixture.responsesLine("item-" + i, "changed " + i));
        }
        PlanResult second = plan(f.write("in.jsonl", edited), SAME_UPSTREAM);
        assertThat(second.changedCount()).isEqualTo(12);
        assertThat(second.changed())
                .hasSize(Planner.MAX_LISTED_CHANGES)
                .extracting(w -> w.customId())
                .startsWith("item-1", "item-2")
                .endsWith("item-10");
        assertThat(second.reused()).isZero();
    }

    @Test
    void moreReusedLinesThanOneLedgerBatch_areEachRecordedAndCopiedOnce() throws Exception {
        int n = 1_203; // the plan writes items in batches of 500: two full ones and a partial third
        var config = PlanConfig.ofDefaults();
        Path in = f.write("in.jsonl", lines(n));
        PlanResult first = new Planner(config, f.prices, f.ledger, Clock.systemUTC())
                .withReuse(SAME_UPSTREAM)
                .plan(RunInput.of(in), dir.resolve("runs/first"));
        assertThat(f.runner(BatchFixture.fast()).drive(first.runId()))
                .isEqualTo(new RunOutcome.Finished(first.runId(), n, 0, false));

        PlanResult second = new Planner(config, f.prices, f.ledger, Clock.systemUTC())
                .withReuse(SAME_UPSTREAM)
                .plan(RunInput.of(f.write("in.jsonl", lines(n + 1))), dir.resolve("runs/second"));

        assertThat(second.reused()).isEqualTo(n);
        assertThat(second.chunks()).isEqualTo(1);
        assertThat(f.ledger.itemCounts(second.runId())).containsEntry(ItemState.REUSED, (long) n);
        var results = f.history().results(second.runId());
        assertThat(results).hasSize(n);
        assertThat(results)
                .extracting(r -> r.customId())
                .doesNotHaveDuplicates()
                .contains("item-1", "item-500", "item-501", "item-1000", "item-1001", "item-" + n);
        assertThat(results).allSatisfy(r -> assertThat(r.reusedFrom()).isEqualTo(first.runId()));
        assertThat(f.runner(BatchFixture.fast()).drive(second.runId()))
                .isEqualTo(new RunOutcome.Finished(second.runId(), n + 1, 0, false));
        assertThat(upstreamItems()).isEqualTo(n + 1L);
    }

    @Test
    void aReusedCustomIdUsedTwice_isADuplicateAtItsSecondLine() throws Exception {
        finish(f.write("in.jsonl", lines(6)));
        List<String> edited = new ArrayList<>(lines(6));
        edited.add(BatchFixture.responsesLine("item-2", "Summarise ticket 2"));
        Path in = f.write("in.jsonl", edited);

        PlanResult second = plan(in, SAME_UPSTREAM);

        assertThat(second.accepted()).isFalse();
        assertThat(second.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.customId()).isEqualTo("item-2");
            assertThat(p.reason()).contains("duplicate custom_id: first used at line 2");
        });
        assertThat(f.ledger.itemCounts(second.runId()).values())
                .as("a refused plan records nothing")
                .allMatch(c -> c == 0);
    }
}
