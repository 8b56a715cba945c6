package dev.keel.batch.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunk's edge table, through the ledger: every typed move from every state either makes
 * exactly its edge or is refused inside its transaction with nothing changed.
 */
class ChunkMovesTest {

    private static final String RUN = "run-1";
    private static final String OWNER = "w1";

    @TempDir
    Path dir;

    private Ledger ledger;
    private int n;

    @BeforeEach
    void open() {
        ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("k.db")));
        try (var w = PlanWriter.open(ledger, RUN)) {
            for (int chunk = 1; chunk <= ChunkMove.values().length * ChunkState.values().length; chunk++) {
                w.item("item-" + chunk, chunk, chunk, "{}", 10, 10, 0);
                w.chunk(ChunkRecord.planned(
                        RUN, chunk, 0, "/v1/responses", "gpt-4o", "f" + chunk, 1, 3, 10, 10, 0.1, 0));
            }
            w.commit(new RunRecord(RUN, 0, "in", "sha", "dir", "{}", RunState.ACTIVE, 1, 0, null));
        }
    }

    /** A fresh chunk in {@code state}, leased by {@link #OWNER}. */
    private int chunkIn(ChunkState state) {
        int no = ++n;
        CrashedLedger.chunk(ledger, RUN, no, "state", state, "lease_owner", OWNER, "lease_until", Long.MAX_VALUE);
        return no;
    }

    private void make(ChunkMove move, int no) {
        switch (move) {
            case UPLOAD_BEGUN -> ledger.beginUpload(RUN, no, OWNER, 10);
            case UPLOADED -> ledger.uploaded(RUN, no, OWNER, "file-" + no);
            case CREATE_BEGUN ->
                assertThat(ledger.beginCreate(RUN, no, OWNER, 0, "2026-12-02", 0.1, null, null, 10, 40))
                        .isInstanceOf(Reservation.Reserved.class);
            case SUBMITTED -> ledger.submitted(RUN, no, OWNER, 0, "batch-" + no, 10, 20);
            case FLEX_BEGUN -> new FlexRecords(ledger).begin(RUN, no, OWNER, 10);
            case POLLED -> ledger.polled(RUN, no, OWNER, "in_progress", 0, 0, 20, null);
            case REDONE -> ChunkRedo.redo(ledger, ledger.chunk(RUN, no).orElseThrow(), OWNER, 10);
            case COLLECTED, REFUSED, CANCELLED, FORGOTTEN ->
                ledger.complete(new ChunkCompletion(
                        RUN, no, OWNER, move, "ended", 10, List.of(), List.of(), null, 0, 0, 0, null, 0));
        }
    }

    @Test
    void everyMove_fromEveryState_makesItsEdgeOrIsRefusedWithNothingChanged() {
        int legal = 0;
        int refused = 0;
        for (ChunkMove move : ChunkMove.values()) {
            for (ChunkState from : ChunkState.values()) {
                int no = chunkIn(from);
                ChunkRecord before = ledger.chunk(RUN, no).orElseThrow();
                if (move.allowedFrom(from)) {
                    make(move, no);
                    assertThat(ledger.chunk(RUN, no).orElseThrow().state())
                            .as(move + " from " + from)
                            .isEqualTo(move.to());
                    legal++;
                } else {
                    assertThatThrownBy(() -> make(move, no))
                            .as(move + " from " + from)
                            .isInstanceOfSatisfying(IllegalChunkMoveException.class, e -> {
                                assertThat(e.from()).isEqualTo(from);
                                assertThat(e.move()).isEqualTo(move);
                            })
                            .hasMessageContaining("chunk " + no)
                            .hasMessageContaining("not allowed from " + from);
                    assertThat(ledger.chunk(RUN, no).orElseThrow())
                            .as("a refused " + move + " from " + from + " changes nothing")
                            .isEqualTo(before);
                    refused++;
                }
            }
        }
        assertThat(legal).isEqualTo(19);
        assertThat(refused).isEqualTo(ChunkMove.values().length * ChunkState.values().length - 19);
    }

    @Test
    void theMovesCoverEveryEdgeOfTheTable_andNoOther() {
        for (ChunkState from : ChunkState.values()) {
            var reached = EnumSet.noneOf(ChunkState.class);
            for (ChunkMove m : ChunkMove.values()) {
                if (m.allowedFrom(from)) {
                    reached.add(m.to());
                }
            }
            assertThat(reached).as("moves from " + from).isEqualTo(from.next());
        }
        assertThat(ChunkState.DONE.next()).isEmpty();
        assertThat(ChunkState.CANCELLED.next()).isEmpty();
        assertThat(ChunkState.REFUSED.next()).isEmpty();
    }

    @Test
    void aRefusedMove_insideACompletion_appliesNoneOfItsItems() {
        int no = chunkIn(ChunkState.PLANNED);
        var completion = new ChunkCompletion(
                RUN,
                no,
                OWNER,
                ChunkMove.COLLECTED,
                "completed",
                10,
                List.of(new ChunkCompletion.Success(
                        "item-" + no, 0, 200, "{}", "batch_1", "req_1", "BATCH", 1, 0, 1, 0.01, 0.02)),
                List.of(),
                null,
                1,
                0,
                0.01,
                "2026-12-02",
                0.01);
        assertThatThrownBy(() -> ledger.complete(completion)).isInstanceOf(IllegalChunkMoveException.class);
        assertThat(new RunHistory(ledger).results(RUN)).isEmpty();
        assertThat(ledger.spent("2026-12-02")).isZero();
        assertThat(ledger.itemCounts(RUN)).containsEntry(ItemState.SUCCEEDED, 0L);
    }

    @Test
    void aMoveOfAChunkAnotherWorkerTookOver_isALostLease_notAnIllegalMove() {
        int no = chunkIn(ChunkState.PLANNED);
        CrashedLedger.chunk(ledger, RUN, no, "lease_owner", "w2");
        assertThatThrownBy(() -> ledger.beginUpload(RUN, no, OWNER, 10)).isInstanceOf(LeaseLostException.class);
        assertThat(ledger.chunk(RUN, no).orElseThrow().state()).isEqualTo(ChunkState.PLANNED);
    }

    @Test
    void theRunsEdges_cancelOnlyAnActiveRun_andFinishEachInItsOwnEnd() {
        assertThat(RunState.ACTIVE.next()).isEqualTo(EnumSet.of(RunState.CANCELLING, RunState.DONE));
        assertThat(RunState.CANCELLING.next()).isEqualTo(EnumSet.of(RunState.CANCELLED));
        ledger.requestCancel(RUN);
        assertThat(ledger.run(RUN).orElseThrow().state()).isEqualTo(RunState.CANCELLING);
        ledger.finishRun(RUN, 5);
        assertThat(ledger.run(RUN).orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        ledger.requestCancel(RUN);
        ledger.finishRun(RUN, 6);
        assertThat(ledger.run(RUN).orElseThrow())
                .as("a finished run is left as it is")
                .extracting(RunRecord::state, RunRecord::finishedAt)
                .containsExactly(RunState.CANCELLED, 5L);
    }
}
