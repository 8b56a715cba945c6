package dev.keel.batch.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.RunState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanOrResumeTest {

    @TempDir
    Path dir;

    private BatchFixture f;
    private PlanOrResume starter;

    @BeforeEach
    void open() {
        f = BatchFixture.sqlite(dir);
        starter =
                new PlanOrResume(new Planner(PlanConfig.ofDefaults(), f.prices, f.ledger, Clock.systemUTC()), f.ledger);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void start_theSameContentTwice_plansOnce_thenResumesTheSameRun() throws Exception {
        Path input = f.input("in.jsonl", 3);
        var first = starter.start(RunInput.of(input), dir.resolve("runs"));
        assertThat(first).isInstanceOfSatisfying(PlanOrResume.Planned.class, p -> {
            assertThat(p.plan().items()).isEqualTo(3);
            assertThat(p.run()).get().extracting(r -> r.state()).isEqualTo(RunState.ACTIVE);
        });
        assertThat(first.runId()).isEqualTo(RunIds.forContent(RunIds.sha256(input)));
        assertThat(dir.resolve("runs").resolve(first.runId())).isDirectory();

        Path copy = f.write("copy.jsonl", java.nio.file.Files.readAllLines(input));
        var second = starter.start(RunInput.of(copy), dir.resolve("runs"));
        assertThat(second).isInstanceOf(PlanOrResume.Resumed.class);
        assertThat(second.runId()).isEqualTo(first.runId());
        assertThat(f.ledger.runIds(0)).containsExactly(first.runId());
    }

    @Test
    void start_aFreshInput_isPlannedAsANewRunOfTheSameContent() throws Exception {
        Path input = f.input("in.jsonl", 2);
        var first = starter.start(RunInput.of(input), dir.resolve("runs"));
        var clock = Clock.fixed(Instant.parse("2026-12-02T20:00:00Z"), ZoneOffset.UTC);
        var fresh = starter.start(RunInput.fresh(input, clock), dir.resolve("runs"));
        assertThat(fresh).isInstanceOf(PlanOrResume.Planned.class);
        assertThat(fresh.runId())
                .isEqualTo(first.runId() + "-" + Long.toString(clock.millis(), 36))
                .isNotEqualTo(first.runId());
        assertThat(f.ledger.runIds(0)).containsExactlyInAnyOrder(first.runId(), fresh.runId());
    }

    @Test
    void start_aRefusedInput_recordsNoRun() {
        Path input = f.write("bad.jsonl", List.of("{\"custom_id\":\"a\"}"));
        var start = starter.start(RunInput.of(input), dir.resolve("runs"));
        assertThat(start).isInstanceOfSatisfying(PlanOrResume.Planned.class, p -> {
            assertThat(p.plan().accepted()).isFalse();
            assertThat(p.run()).isEmpty();
        });
        assertThat(f.ledger.run(start.runId())).isEmpty();
    }

    @Test
    void of_aMissingFile_saysItIsNotReadable() {
        assertThatThrownBy(() -> RunInput.of(dir.resolve("nope.jsonl")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.jsonl is not a readable file");
    }
}
