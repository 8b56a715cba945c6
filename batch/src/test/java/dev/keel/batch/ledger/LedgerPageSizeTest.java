package dev.keel.batch.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new SQLite ledger gets 16 KiB pages; one made before with SQLite's 4 KiB keeps them and still works. */
class LedgerPageSizeTest {

    @TempDir
    Path dir;

    private static long pageSize(Ledger ledger) {
        return ledger.query("PRAGMA page_size", rs -> rs.getLong(1)).get(0);
    }

    @Test
    void aNewLedger_has16KiBPages() {
        var ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("new.db")));
        assertThat(pageSize(ledger)).isEqualTo(Database.SQLITE_PAGE_BYTES).isEqualTo(16_384);
    }

    @Test
    void aLedgerMadeWith4KiBPages_keepsThem_andPlansAsBefore() throws Exception {
        Path file = dir.resolve("old.db");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
                var s = c.createStatement()) {
            s.execute("PRAGMA page_size = 4096");
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("CREATE TABLE made_before (x INTEGER)");
        }
        var ledger = new Ledger(Database.open("jdbc:sqlite:" + file));
        try (var w = PlanWriter.open(ledger, "run-1")) {
            for (int i = 1; i <= PlanWriter.BATCH + 3; i++) {
                assertThat(w.item("id-" + i, i, 1, "{}", 1, 1, 0)).isTrue();
            }
            w.commit(new RunRecord(
                    "run-1", 0, "in", "sha", "dir", "{}", RunState.ACTIVE, PlanWriter.BATCH + 3, 0, null));
        }
        assertThat(pageSize(ledger)).isEqualTo(4096);
        assertThat(ledger.query("SELECT COUNT(*) FROM keel_batch_item WHERE run_id = 'run-1'", rs -> rs.getLong(1)))
                .containsExactly((long) PlanWriter.BATCH + 3);
    }
}
