package dev.keel.batch.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.testing.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-behind batches: everything lands, in order, and a refused batch loses nothing committed. */
class PlanWriterTest {

    private static final int ITEMS = PlanWriter.BATCH * 3 + 17;

    @TempDir
    Path dir;

    @Test
    void items_acrossSeveralWrittenBehindBatches_allLandWithTheirLines_sqlite() {
        everyItemLands(new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("k.db"))));
    }

    @Test
    void items_acrossSeveralWrittenBehindBatches_allLandWithTheirLines_postgres() throws Exception {
        try (var pg = TestPostgres.createSchema()) {
            everyItemLands(new Ledger(Database.open(pg.jdbcUrl())));
        }
    }

    @Test
    void planningTheSameRunIdAgain_isRefused_andTheFirstPlanStaysWhole() {
        var ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("k.db")));
        plan(ledger, "run-1");

        assertThatThrownBy(() -> plan(ledger, "run-1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("run run-1 already has items in the ledger")
                .hasMessageContaining("--new-run");
        assertThat(ledger.query(
                        "SELECT COUNT(*), MIN(line_no), MAX(line_no) FROM keel_batch_item WHERE run_id = 'run-1'",
                        rs -> rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3)))
                .containsExactly(ITEMS + "/1/" + ITEMS);
    }

    private void everyItemLands(Ledger ledger) {
        plan(ledger, "run-1");
        // A duplicate after the batches were written behind is still found, at its first line.
        try (var w = PlanWriter.open(ledger, "run-2")) {
            for (int i = 1; i <= ITEMS; i++) {
                assertThat(w.item("id-" + i, i, 1, "{}", 1, 1, 0)).isTrue();
            }
            assertThat(w.item("id-3", ITEMS + 1, 1, "{}", 1, 1, 0)).isFalse();
            assertThat(w.firstLine("id-3")).isEqualTo(3);
            w.commit(new RunRecord("run-2", 0, "in", "sha", "dir", "{}", RunState.ACTIVE, ITEMS, 1, null));
        }
        assertThat(ledger.query(
                        "SELECT COUNT(*), COUNT(DISTINCT custom_id), SUM(line_no) FROM keel_batch_item WHERE run_id = 'run-1'",
                        rs -> rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3)))
                .containsExactly(ITEMS + "/" + ITEMS + "/" + ((long) ITEMS * (ITEMS + 1) / 2));
        assertThat(ledger.query(
                        "SELECT line_no FROM keel_batch_item WHERE run_id = 'run-1' AND custom_id = 'id-" + ITEMS + "'",
                        rs -> rs.getLong(1)))
                .containsExactly((long) ITEMS);
    }

    private static void plan(Ledger ledger, String runId) {
        try (var w = PlanWriter.open(ledger, runId)) {
            for (int i = 1; i <= ITEMS; i++) {
                w.item("id-" + i, i, 1 + i / 500, "{\"n\":" + i + "}", 1, 1, 0);
            }
            w.commit(new RunRecord(runId, 0, "in", "sha", "dir", "{}", RunState.ACTIVE, ITEMS, 0, null));
        }
    }
}
