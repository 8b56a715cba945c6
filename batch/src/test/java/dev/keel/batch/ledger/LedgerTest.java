package dev.keel.batch.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.batch.report.RunReport;
import dev.keel.core.testing.TestPostgres;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

    @TempDir
    Path dir;

    private static void seed(Ledger ledger) {
        try (var w = PlanWriter.open(ledger, "run-1")) {
            assertThat(w.item("a", 1, 1, "{}", 10, 10, 0)).isTrue();
            assertThat(w.item("a", 2, 1, "{}", 10, 10, 0))
                    .as("duplicate custom_id")
                    .isFalse();
            assertThat(w.firstLine("a")).isEqualTo(1);
            w.chunk(ChunkRecord.planned("run-1", 1, 0, "/v1/responses", "gpt-4o", "f", 1, 3, 10, 10, 0.1, 0));
            w.commit(new RunRecord("run-1", 0, "in", "sha", "dir", "{}", RunState.ACTIVE, 1, 0, null));
        }
    }

    private static ChunkCompletion success(int replayCount, String body) {
        return new ChunkCompletion(
                "run-1",
                1,
                "w1",
                ChunkMove.COLLECTED,
                "completed",
                5,
                List.of(new ChunkCompletion.Success(
                        "a", replayCount, 200, body, "batch_1", "req_1", "BATCH", 1, 0, 1, 0.01, 0.02)),
                List.of(),
                null,
                1,
                0,
                0.01,
                null,
                0);
    }

    private void applyingTheSameResultTwiceLeavesOneRow(Ledger ledger) {
        seed(ledger);
        assertThat(ledger.claim("run-1", "w1", 1, 1000)).isPresent();
        ledger.update("UPDATE keel_batch_chunk SET state = 'SUBMITTED' WHERE run_id = 'run-1'");
        ledger.complete(success(0, "{\"n\":1}"));
        ledger.update("UPDATE keel_batch_chunk SET state = 'SUBMITTED', lease_owner = 'w1' WHERE run_id = 'run-1'");
        ledger.complete(success(1, "{\"n\":2}"));
        assertThat(ledger.query(
                        "SELECT COUNT(*), MAX(replay_count), MAX(body) FROM keel_batch_result WHERE run_id = 'run-1'",
                        rs -> rs.getLong(1) + "/" + rs.getInt(2) + "/" + rs.getString(3)))
                .containsExactly("1/1/{\"n\":2}");
    }

    @Test
    void theResultSinkUpsertsByCustomIdOnSqlite() {
        applyingTheSameResultTwiceLeavesOneRow(new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("k.db"))));
    }

    @Test
    void theResultSinkUpsertsByCustomIdOnPostgres() {
        try (var pg = TestPostgres.createSchema()) {
            applyingTheSameResultTwiceLeavesOneRow(new Ledger(Database.open(pg.jdbcUrl())));
        }
    }

    @Test
    void aWorkerWhoseLeaseWasTakenOverCannotWrite() {
        var ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("k.db")));
        seed(ledger);
        assertThat(ledger.claim("run-1", "w1", 1_000, 100)).isPresent();
        assertThat(ledger.claim("run-1", "w2", 1_050, 100))
                .as("lease still live")
                .isEmpty();
        assertThat(ledger.claim("run-1", "w2", 1_200, 100)).as("lease expired").isPresent();
        assertThatThrownBy(() -> ledger.beginUpload("run-1", 1, "w1", 1_250))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("no longer leased by w1");
    }

    @Test
    void anUnknownDatabaseUrlSaysWhatIsSupported() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://x/y?password=hunter2"))
                .hasMessageContaining("jdbc:sqlite:PATH or jdbc:postgresql://")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anEmptyRunRaisesNoAlertAndNoDivisionError() {
        var r = new RunReport(
                "r",
                "DONE",
                "in",
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                List.of(),
                null,
                0,
                0,
                0,
                0.03,
                0,
                List.of(),
                new dev.keel.core.cost.CostSplit(),
                0,
                null);
        assertThat(r.failRate()).isZero();
        assertThat(r.alert()).isFalse();
        assertThat(r.costRatio()).isZero();
        var bad = new RunReport(
                "r",
                "DONE",
                "in",
                100,
                0,
                96,
                4,
                4,
                0,
                0,
                0,
                0,
                0,
                List.of(),
                null,
                0,
                0,
                0,
                0.03,
                0,
                List.of(),
                new dev.keel.core.cost.CostSplit(),
                0,
                null);
        assertThat(bad.alert()).isTrue();
        assertThat(bad.toText()).contains("4.00% (threshold 3.00%): FIRING");
    }
}
