package dev.keel.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The background status table: exactly the documented edges, nothing out of a terminal status. */
class BackgroundStatusTest {

    @Test
    void edges_areExactlyTheDocumentedOnes() {
        var legal = EnumSet.noneOf(BackgroundStatus.class);
        for (BackgroundStatus to : BackgroundStatus.values()) {
            if (BackgroundStatus.QUEUED.canMoveTo(to)) {
                legal.add(to);
            }
        }
        assertThat(legal).containsExactlyInAnyOrder(BackgroundStatus.IN_PROGRESS, BackgroundStatus.CANCELLED);
        legal.clear();
        for (BackgroundStatus to : BackgroundStatus.values()) {
            if (BackgroundStatus.IN_PROGRESS.canMoveTo(to)) {
                legal.add(to);
            }
        }
        assertThat(legal)
                .containsExactlyInAnyOrder(
                        BackgroundStatus.COMPLETED,
                        BackgroundStatus.INCOMPLETE,
                        BackgroundStatus.FAILED,
                        BackgroundStatus.CANCELLED);
    }

    @Test
    void moveTo_fromATerminalStatus_throwsNamingTheEdge() {
        for (BackgroundStatus terminal : EnumSet.of(
                BackgroundStatus.COMPLETED,
                BackgroundStatus.INCOMPLETE,
                BackgroundStatus.FAILED,
                BackgroundStatus.CANCELLED)) {
            assertThat(terminal.isTerminal()).isTrue();
            assertThatThrownBy(() -> terminal.moveTo(BackgroundStatus.IN_PROGRESS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(terminal + " -> IN_PROGRESS");
        }
        assertThatThrownBy(() -> BackgroundStatus.QUEUED.moveTo(BackgroundStatus.COMPLETED))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void terminalOf_aRunningOrCancelledStatus_isRefused() {
        assertThat(BackgroundStatus.terminalOf("incomplete")).isEqualTo(BackgroundStatus.INCOMPLETE);
        assertThatThrownBy(() -> BackgroundStatus.terminalOf("in_progress"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackgroundStatus.terminalOf("cancelled")).isInstanceOf(IllegalArgumentException.class);
    }
}
