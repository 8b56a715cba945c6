package dev.keel.batch.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.testing.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease generation as a fencing token, on SQLite and PostgreSQL: a claim bumps it, and the create
 * and submit moves made under an older generation are refused with nothing applied, even when the
 * worker id is the same (a second process started with the same id, or a lease taken again).
 */
class LeaseFencingTest {

    private static final String RUN = "run-1";
    private static final String DAY = "2026-12-03";

    @TempDir
    Path dir;

    @Test
    void staleGeneration_onSqlite_isRefusedByCreateAndSubmitMoves() {
        fenced(new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db"))));
    }

    @Test
    void staleGeneration_onPostgres_isRefusedByCreateAndSubmitMoves() {
        try (TestPostgres pg = TestPostgres.createSchema()) {
            fenced(new Ledger(Database.open(pg.jdbcUrl())));
        }
    }

    private static void seed(Ledger ledger) {
        try (var w = PlanWriter.open(ledger, RUN)) {
            w.item("a", 1, 1, "{}", 10, 10, 0);
            w.chunk(ChunkRecord.planned(RUN, 1, 0, "/v1/responses", "gpt-4o", "f", 1, 3, 10, 10, 0.1, 0));
            w.commit(new RunRecord(RUN, 0, "in", "sha", "dir", "{}", RunState.ACTIVE, 1, 0, null));
        }
    }

    private void fenced(Ledger ledger) {
        seed(ledger);
        long first = ledger.claim(RUN, "w", 1_000, 100).orElseThrow().leaseGen();
        ledger.beginUpload(RUN, 1, "w", 1_000);
        ledger.uploaded(RUN, 1, "w", "file-1");
        // The same worker id claims the chunk again (its lease lapsed and it was taken again).
        long second = ledger.claim(RUN, "w", 2_000, 100).orElseThrow().leaseGen();
        assertThat(second).isGreaterThan(first);

        assertThatThrownBy(() -> ledger.beginCreate(RUN, 1, "w", first, DAY, 0.1, null, null, 2_000, 32_000))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("lease generation " + first)
                .hasMessageContaining("generation " + second);
        assertThat(ledger.chunk(RUN, 1).orElseThrow().state()).isEqualTo(ChunkState.UPLOADED);
        assertThat(ledger.spent(DAY)).as("nothing reserved").isZero();

        assertThat(ledger.beginCreate(RUN, 1, "w", second, DAY, 0.1, null, null, 2_000, 32_000))
                .isEqualTo(new Reservation.Reserved());
        ChunkRecord creating = ledger.chunk(RUN, 1).orElseThrow();
        assertThat(creating.createOwner()).isEqualTo("w");
        assertThat(creating.createUntil()).isEqualTo(32_000);

        long third = ledger.claim(RUN, "w", 3_000, 100).orElseThrow().leaseGen();
        assertThatThrownBy(() -> ledger.submitted(RUN, 1, "w", second, "batch-1", 3_000, 4_000))
                .isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> ledger.createResumed(RUN, 1, "w", second, 40_000))
                .isInstanceOf(LeaseLostException.class);
        ChunkRecord still = ledger.chunk(RUN, 1).orElseThrow();
        assertThat(still.state()).isEqualTo(ChunkState.CREATING);
        assertThat(still.batchId()).isNull();
        assertThat(still.createUntil()).isEqualTo(32_000);
        assertThat(ledger.itemCounts(RUN).get(ItemState.PENDING)).isEqualTo(1);

        ledger.createResumed(RUN, 1, "w", third, 40_000);
        assertThat(ledger.chunk(RUN, 1).orElseThrow().createUntil()).isEqualTo(40_000);
        ledger.submitted(RUN, 1, "w", third, "batch-1", 3_000, 4_000);
        ChunkRecord submitted = ledger.chunk(RUN, 1).orElseThrow();
        assertThat(submitted.state()).isEqualTo(ChunkState.SUBMITTED);
        assertThat(submitted.batchId()).isEqualTo("batch-1");
        assertThat(submitted.createOwner())
                .as("the create in flight is forgotten once submitted")
                .isNull();
        assertThat(submitted.createUntil()).isNull();
        assertThat(ledger.itemCounts(RUN).get(ItemState.SUBMITTED)).isEqualTo(1);
    }

    @Test
    void aDeadHoldersCreateInFlight_isForgottenOnTakeover_soTheRerunReconcilesAtOnce() {
        Ledger ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("dead.db")));
        seed(ledger);
        var dead = new WorkerIdentity("host-a", 100, "aaaa");
        var me = new WorkerIdentity("host-a", 200, "bbbb");
        var claims = new RunClaims(ledger, pid -> pid != 100);
        claims.claim(RUN, dead, "run", 1_000, 60_000);
        long gen = ledger.claim(RUN, dead.id(), 1_000, 60_000).orElseThrow().leaseGen();
        ledger.beginUpload(RUN, 1, dead.id(), 1_000);
        ledger.uploaded(RUN, 1, dead.id(), "file-1");
        ledger.beginCreate(RUN, 1, dead.id(), gen, DAY, 0.1, null, null, 1_000, 31_000);

        assertThat(claims.claim(RUN, me, "run", 2_000, 60_000)).isInstanceOf(RunClaim.TookOver.class);
        ChunkRecord after = ledger.chunk(RUN, 1).orElseThrow();
        assertThat(after.state()).isEqualTo(ChunkState.CREATING);
        assertThat(after.createUntil()).isNull();
        assertThat(ledger.claim(RUN, me.id(), 2_000, 60_000)).as("free at once").isPresent();
    }
}
