package dev.keel.realtime.session;

import static dev.keel.realtime.session.Phase.CANCELLING;
import static dev.keel.realtime.session.Phase.IDLE;
import static dev.keel.realtime.session.Phase.LISTENING;
import static dev.keel.realtime.session.Phase.RECOVERING;
import static dev.keel.realtime.session.Phase.SPEAKING;
import static dev.keel.realtime.session.Phase.THINKING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.wire.testing.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PhaseMachineTest {

    /** The recipe's table, the completed-turn edge, and the connection-loss edges keel adds. */
    private static final Set<List<Phase>> LEGAL = Set.of(
            List.of(IDLE, LISTENING),
            List.of(LISTENING, THINKING),
            List.of(THINKING, SPEAKING),
            List.of(SPEAKING, CANCELLING),
            List.of(CANCELLING, LISTENING),
            List.of(THINKING, RECOVERING),
            List.of(RECOVERING, LISTENING),
            List.of(SPEAKING, LISTENING),
            List.of(LISTENING, RECOVERING),
            List.of(SPEAKING, RECOVERING),
            List.of(CANCELLING, RECOVERING));

    @Test
    void phases_areExactlyTheRecipesSix() {
        assertThat(Phase.values()).containsExactly(IDLE, LISTENING, THINKING, SPEAKING, CANCELLING, RECOVERING);
    }

    @Test
    void allowed_holdsForExactlyTheTablesEdges() {
        for (Phase from : Phase.values()) {
            for (Phase to : Phase.values()) {
                assertThat(PhaseMachine.allowed(from, to))
                        .as(from + " -> " + to)
                        .isEqualTo(LEGAL.contains(List.of(from, to)));
            }
        }
    }

    @Test
    void transition_illegal_throwsCountsAndLeavesThePhase() {
        var illegal = new AtomicInteger();
        var machine = new PhaseMachine(new FakeClock(), illegal::incrementAndGet, c -> {});
        assertThatThrownBy(() -> machine.transition(SPEAKING, "test"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("IDLE -> SPEAKING")
                .hasMessageContaining("[LISTENING]");
        assertThat(illegal).hasValue(1);
        assertThat(machine.phase()).isEqualTo(IDLE);
    }

    @Test
    void transition_aFullTurnWithInterrupt_reportsEachChangeInOrder() {
        List<PhaseChange> changes = new ArrayList<>();
        var machine = new PhaseMachine(new FakeClock(), () -> {}, changes::add);
        for (Phase p : List.of(LISTENING, THINKING, SPEAKING, CANCELLING, LISTENING, THINKING, SPEAKING, LISTENING)) {
            machine.transition(p, "step");
        }
        assertThat(changes)
                .extracting(PhaseChange::to)
                .containsExactly(LISTENING, THINKING, SPEAKING, CANCELLING, LISTENING, THINKING, SPEAKING, LISTENING);
        assertThat(changes.get(3).from()).isEqualTo(SPEAKING);
    }
}
