package dev.keel.batch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.ItemRecord;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunHistory;
import dev.keel.core.cost.PriceTable;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planning validates and counts on every core, many batches of lines at a time: across batch
 * boundaries the output is that of a sequential read — chunk files and the ledger in input order,
 * every problem at its own line, a duplicate found however far from its first use.
 */
class ParallelPlanTest {

    @TempDir
    Path dir;

    @Test
    void plan_acrossManyBatches_keepsInputOrderAndEveryProblemsLine() throws Exception {
        int n = Planner.BATCH_LINES * 5 + 37;
        var lines = new ArrayList<String>();
        var expectedProblems = new ArrayList<Long>();
        for (int i = 1; i <= n; i++) {
            if (i == 700 || i == 1800) {
                lines.add("{not json " + i);
                expectedProblems.add((long) i);
            } else if (i == Planner.BATCH_LINES * 4 + 1) {
                lines.add(BatchFixture.responsesLine("item-3", "reused id, far from its first use"));
                expectedProblems.add((long) i);
            } else if (i == 1025) {
                lines.add("");
                expectedProblems.add((long) i);
            } else {
                lines.add(BatchFixture.responsesLine("item-" + i, "Summarise ticket " + i));
            }
        }
        Path input = Files.write(dir.resolve("in.jsonl"), lines);
        Ledger ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db")));

        PlanResult r = new Planner(
                        PlanConfig.ofDefaults().withMaxItems(400).withSkipInvalid(true),
                        PriceTable.builtIn(),
                        ledger,
                        Clock.systemUTC())
                .plan(RunInput.of(input), dir.resolve("run"));

        assertThat(r.accepted()).isTrue();
        assertThat(r.lines()).isEqualTo(n);
        assertThat(r.items()).isEqualTo(n - 4);
        assertThat(r.problems()).extracting(InputProblem::line).containsExactlyElementsOf(expectedProblems);
        assertThat(r.problems().get(3).reason()).contains("duplicate custom_id: first used at line 3");
        assertThat(r.problems().get(1).reason()).contains("empty line");

        List<ItemRecord> items = new RunHistory(ledger).items(r.runId(), null);
        assertThat(items).extracting(ItemRecord::lineNo).isSorted().doesNotHaveDuplicates();
        assertThat(items.get(0).customId()).isEqualTo("item-1");
        var fromChunks = new ArrayList<String>();
        for (ChunkRecord c : ledger.chunks(r.runId())) {
            for (String l : Files.readAllLines(dir.resolve("run/chunks").resolve(c.fileName()))) {
                fromChunks.add(Json.parse(l).path("custom_id").asText());
            }
        }
        assertThat(fromChunks)
                .as("the chunk files hold every item once, in input order")
                .containsExactlyElementsOf(
                        items.stream().map(ItemRecord::customId).toList());
        assertThat(ledger.chunks(r.runId())).extracting(ChunkRecord::items).startsWith(400, 400, 400);
    }

    @Test
    void plan_aDuplicateInTheSameBatch_isFoundAtItsLine() throws Exception {
        Path input = Files.write(
                dir.resolve("dup.jsonl"),
                List.of(
                        BatchFixture.responsesLine("a", "one"),
                        BatchFixture.responsesLine("b", "two"),
                        BatchFixture.responsesLine("a", "three")));
        Ledger ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("k2.db")));
        PlanResult r = new Planner(PlanConfig.ofDefaults(), PriceTable.builtIn(), ledger, Clock.systemUTC())
                .plan(RunInput.of(input), dir.resolve("run2"));
        assertThat(r.accepted()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.customId()).isEqualTo("a");
            assertThat(p.reason()).contains("first used at line 1");
        });
        assertThat(ledger.run(r.runId())).isEmpty();
    }
}
