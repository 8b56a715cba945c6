package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.PlanWriter;
import dev.keel.batch.ledger.RunBusyException;
import dev.keel.batch.ledger.RunClaims;
import dev.keel.batch.ledger.RunRecord;
import dev.keel.batch.ledger.WorkerIdentity;
import dev.keel.core.time.Sleeper;
import dev.keel.wire.testing.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease keeper's rules with a fake clock: renewal every third of the lease, loss of the run, the refusal. */
class LeaseKeeperTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final WorkerIdentity ME = new WorkerIdentity("host-a", 100, "aaaa");
    private static final WorkerIdentity OTHER = new WorkerIdentity("host-b", 200, "bbbb");
    private static final Sleeper NEVER = d -> {
        throw new AssertionError("no thread in this test");
    };

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-02T10:00:00Z"));
    private Ledger ledger;
    private RunClaims claims;

    @BeforeEach
    void seed() {
        ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db")));
        claims = new RunClaims(ledger, pid -> true);
        try (var w = PlanWriter.open(ledger, "run-1")) {
            w.item("a", 1, 1, "{}", 10, 10, 0);
            w.chunk(ChunkRecord.planned("run-1", 1, 0, "/v1/responses", "gpt-4o", "f", 1, 3, 10, 10, 0.1, 0));
            w.commit(new RunRecord(
                    "run-1", 0, "in", "sha", "dir", "{}", dev.keel.batch.ledger.RunState.ACTIVE, 1, 0, null));
        }
    }

    @Test
    void requireOutlives_leaseShorterThanThePerCallTimeout_isRefusedNamingLease() {
        assertThatThrownBy(() -> LeaseKeeper.requireOutlives(Duration.ofSeconds(10), Duration.ofSeconds(25)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--lease 10s is shorter than --per-call-timeout 25s")
                .hasMessageContaining("Use --lease 25s or more");
        assertThatCode(() -> LeaseKeeper.requireOutlives(Duration.ofSeconds(25), Duration.ofSeconds(25)))
                .doesNotThrowAnyException();
    }

    @Test
    void renewNow_keepsAChunkLeaseAlivePastItsFirstEnd() {
        assertThat(ledger.claim("run-1", ME.id(), clock.millis(), LEASE.toMillis()))
                .isPresent();
        var keeper = new LeaseKeeper(claims, ME.id(), null, LEASE, clock, NEVER);
        clock.advance(Duration.ofSeconds(20));
        keeper.renewNow();
        clock.advance(Duration.ofSeconds(20));
        assertThat(ledger.claim("run-1", OTHER.id(), clock.millis(), LEASE.toMillis()))
                .as("40 s after the claim, the renewed lease still holds")
                .isEmpty();
        clock.advance(Duration.ofSeconds(11));
        assertThat(ledger.claim("run-1", OTHER.id(), clock.millis(), LEASE.toMillis()))
                .as("a lease no longer renewed lapses")
                .isPresent();
    }

    @Test
    void claim_whenAnotherLiveProcessDrivesTheRun_throwsNamingIt() {
        claims.claim("run-1", OTHER, "run", clock.millis(), LEASE.toMillis());
        assertThatThrownBy(() -> LeaseKeeper.claim(claims, "run-1", ME, "run", LEASE, clock, NEVER))
                .isInstanceOf(RunBusyException.class)
                .hasMessageContaining(
                        "run run-1 is being driven by 'keel batch run' (worker host-b:200:bbbb, host host-b,"
                                + " pid 200) since 2026-12-02T10:00:00Z")
                .hasMessageContaining("this process submitted nothing")
                .hasMessageContaining("keel batch status --run run-1");
    }

    @Test
    void renewNow_afterAnotherProcessTookTheRunOver_stopsThisOne() {
        claims.claim("run-1", ME, "run", clock.millis(), LEASE.toMillis());
        var keeper = new LeaseKeeper(claims, ME.id(), "run-1", LEASE, clock, NEVER);
        clock.advance(LEASE.plusSeconds(1)); // this process was frozen past its lease
        claims.claim("run-1", OTHER, "run", clock.millis(), LEASE.toMillis());
        keeper.renewNow();
        assertThatThrownBy(keeper::checkHeld)
                .isInstanceOf(RunBusyException.class)
                .hasMessageContaining("host-b:200:bbbb")
                .hasMessageContaining("took the run over from this process");
        ProgressListener guarded = keeper.guard(ProgressListener.NONE);
        assertThatThrownBy(() -> guarded.progress(new RunProgress("run-1", 1, 1, 0, 0, 0, "")))
                .isInstanceOf(RunBusyException.class);
        keeper.close();
        assertThat(claims.holder("run-1").orElseThrow().owner())
                .as("closing does not release the new holder's claim")
                .isEqualTo(OTHER.id());
    }

    @Test
    void close_givesTheRunBack() {
        claims.claim("run-1", ME, "run", clock.millis(), LEASE.toMillis());
        new LeaseKeeper(claims, ME.id(), "run-1", LEASE, clock, NEVER).close();
        assertThat(claims.holder("run-1")).isEmpty();
    }

    @Test
    void start_renewsEveryThirdOfTheLease() throws Exception {
        claims.claim("run-1", ME, "run", clock.millis(), LEASE.toMillis());
        assertThat(ledger.claim("run-1", ME.id(), clock.millis(), LEASE.toMillis()))
                .isPresent();
        List<Duration> waits = new CopyOnWriteArrayList<>();
        var renewed = new CountDownLatch(3);
        Sleeper sleeper = d -> {
            waits.add(d);
            if (waits.size() > 3) {
                renewed.countDown();
                new CountDownLatch(1).await(); // parks the keeper until close() interrupts it
            }
            clock.advance(d);
            if (waits.size() > 1) {
                renewed.countDown();
            }
        };
        var keeper = new LeaseKeeper(claims, ME.id(), "run-1", LEASE, clock, sleeper).start();
        assertThat(renewed.await(30, TimeUnit.SECONDS)).isTrue();
        long renewedAt = clock.millis();
        keeper.close();
        assertThat(waits).startsWith(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
        assertThat(renewedAt).isEqualTo(Instant.parse("2026-12-02T10:00:30Z").toEpochMilli());
        assertThat(dev.keel.batch.ledger.CrashedLedger.leaseUntil(ledger, "run-1"))
                .containsExactly(renewedAt + LEASE.toMillis());
    }
}
