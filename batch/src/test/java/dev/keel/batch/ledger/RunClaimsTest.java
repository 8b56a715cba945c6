package dev.keel.batch.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.testing.TestPostgres;
import dev.keel.wire.testing.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-claim rules, on a real SQLite file and a real PostgreSQL schema, with times from a fake clock. */
class RunClaimsTest {

    private static final long LEASE = Duration.ofMinutes(2).toMillis();
    private static final WorkerIdentity A = new WorkerIdentity("host-a", 100, "aaaa");
    private static final WorkerIdentity B = new WorkerIdentity("host-b", 200, "bbbb");
    private static final WorkerIdentity A2 = new WorkerIdentity("host-a", 101, "cccc");

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final Set<Long> alive = new HashSet<>(Set.of(100L, 101L, 200L));

    private RunClaims sqlite() {
        return new RunClaims(new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db"))), alive::contains);
    }

    private long now() {
        return clock.millis();
    }

    @Test
    void claim_whenFree_claimsAndASecondProcessIsBusyNamingTheHolder() {
        RunClaims claims = sqlite();
        assertThat(claims.claim("run-1", A, "run", now(), LEASE)).isInstanceOf(RunClaim.Claimed.class);
        clock.advance(Duration.ofSeconds(30));
        RunClaim second = claims.claim("run-1", B, "submit", now(), LEASE);
        assertThat(second).isInstanceOf(RunClaim.Busy.class);
        ClaimHolder h = ((RunClaim.Busy) second).holder();
        assertThat(h.owner()).isEqualTo("host-a:100:aaaa");
        assertThat(h.host()).isEqualTo("host-a");
        assertThat(h.pid()).isEqualTo(100);
        assertThat(h.command()).isEqualTo("run");
        assertThat(h.since()).isEqualTo(Instant.parse("2026-12-02T10:00:00Z").toEpochMilli());
        assertThat(h.describe())
                .contains("'keel batch run'", "host-a:100:aaaa", "pid 100", "since 2026-12-02T10:00:00Z");
    }

    @Test
    void claim_byItsOwnerAgain_renewsTheLease() {
        RunClaims claims = sqlite();
        claims.claim("run-1", A, "run", now(), LEASE);
        clock.advance(Duration.ofSeconds(90));
        assertThat(claims.claim("run-1", A, "run", now(), LEASE)).isInstanceOf(RunClaim.Claimed.class);
        assertThat(claims.holder("run-1").orElseThrow().leaseUntil()).isEqualTo(now() + LEASE);
    }

    @Test
    void claim_whenTheHoldersLeaseLapsed_takesOver() {
        RunClaims claims = sqlite();
        claims.claim("run-1", B, "run", now(), LEASE);
        clock.advance(Duration.ofMinutes(2));
        assertThat(claims.claim("run-1", A, "run", now(), LEASE))
                .as("exactly at the lease's end it still holds")
                .isInstanceOf(RunClaim.Busy.class);
        clock.advance(Duration.ofMillis(1));
        RunClaim taken = claims.claim("run-1", A, "run", now(), LEASE);
        assertThat(taken).isInstanceOf(RunClaim.TookOver.class);
        assertThat(((RunClaim.TookOver) taken).holderDead()).isFalse();
        assertThat(((RunClaim.TookOver) taken).previous().owner()).isEqualTo(B.id());
        assertThat(claims.holder("run-1").orElseThrow().owner()).isEqualTo(A.id());
        assertThat(claims.renew("run-1", B.id(), now(), LEASE))
                .as("the former holder's renewal fails")
                .isFalse();
    }

    @Test
    void claim_whenAHolderOnThisHostIsDead_takesOverAtOnceAndFreesItsChunkLeases() {
        Ledger ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db")));
        seedChunk(ledger);
        RunClaims claims = new RunClaims(ledger, alive::contains);
        claims.claim("run-1", A, "run", now(), LEASE);
        assertThat(ledger.claim("run-1", A.id(), now(), LEASE)).isPresent();
        assertThat(claims.claim("run-1", A2, "run", now(), LEASE))
                .as("alive on this host")
                .isInstanceOf(RunClaim.Busy.class);
        alive.remove(100L);
        RunClaim taken = claims.claim("run-1", A2, "run", now(), LEASE);
        assertThat(taken).isInstanceOf(RunClaim.TookOver.class);
        assertThat(((RunClaim.TookOver) taken).holderDead()).isTrue();
        assertThat(ledger.query(
                        "SELECT lease_owner FROM keel_batch_chunk WHERE run_id = 'run-1'", rs -> rs.getString(1)))
                .containsExactly((String) null);
        assertThat(ledger.claim("run-1", A2.id(), now(), LEASE))
                .as("the chunk is free for the new holder without waiting for the lease")
                .isPresent();
    }

    @Test
    void claim_whenADeadLookingPidIsOnAnotherHost_waitsForTheLease() {
        RunClaims claims = sqlite();
        claims.claim("run-1", B, "run", now(), LEASE);
        alive.remove(200L);
        assertThat(claims.claim("run-1", A, "run", now(), LEASE)).isInstanceOf(RunClaim.Busy.class);
    }

    @Test
    void release_onlyByItsOwner() {
        RunClaims claims = sqlite();
        claims.claim("run-1", A, "run", now(), LEASE);
        claims.release("run-1", B.id());
        assertThat(claims.holder("run-1")).isPresent();
        claims.release("run-1", A.id());
        assertThat(claims.holder("run-1")).isEmpty();
        assertThat(claims.claim("run-1", B, "run", now(), LEASE)).isInstanceOf(RunClaim.Claimed.class);
    }

    @Test
    void renewChunkLeases_extendsOnlyTheOwnersLeases() {
        Ledger ledger = new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db")));
        seedChunk(ledger);
        RunClaims claims = new RunClaims(ledger, alive::contains);
        ledger.claim("run-1", A.id(), now(), LEASE);
        clock.advance(Duration.ofMinutes(1));
        assertThat(claims.renewChunkLeases(B.id(), now(), LEASE)).isZero();
        assertThat(claims.renewChunkLeases(A.id(), now(), LEASE)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(90));
        assertThat(ledger.claim("run-1", B.id(), now(), LEASE))
                .as("past the first lease, but renewed")
                .isEmpty();
    }

    @Test
    void concurrentClaims_onSqlite_exactlyOneWins() throws Exception {
        concurrentClaimsExactlyOneWins("jdbc:sqlite:" + dir.resolve("keel.db"));
    }

    @Test
    void concurrentClaims_onPostgres_exactlyOneWins() throws Exception {
        try (TestPostgres pg = TestPostgres.createSchema()) {
            concurrentClaimsExactlyOneWins(pg.jdbcUrl());
        }
    }

    @Test
    void takeOver_onPostgres_onlyOneOfTwoContendersTakesALapsedClaim() throws Exception {
        try (TestPostgres pg = TestPostgres.createSchema()) {
            RunClaims claims = new RunClaims(new Ledger(Database.open(pg.jdbcUrl())), alive::contains);
            claims.claim("run-1", B, "run", now(), LEASE);
            clock.advance(Duration.ofMinutes(3));
            List<RunClaim> results = race(claims, 8);
            assertThat(results.stream().filter(r -> r instanceof RunClaim.TookOver))
                    .hasSize(1);
            assertThat(results.stream().filter(r -> r instanceof RunClaim.Busy)).hasSize(7);
        }
    }

    private void concurrentClaimsExactlyOneWins(String url) throws Exception {
        RunClaims claims = new RunClaims(new Ledger(Database.open(url)), alive::contains);
        List<RunClaim> results = race(claims, 8);
        assertThat(results.stream().filter(r -> r instanceof RunClaim.Claimed)).hasSize(1);
        assertThat(results.stream().filter(r -> r instanceof RunClaim.Busy)).hasSize(7);
    }

    private List<RunClaim> race(RunClaims claims, int n) throws Exception {
        var pool = Executors.newFixedThreadPool(n);
        try {
            var start = new CountDownLatch(1);
            var futures = new ArrayList<Future<RunClaim>>();
            long at = now();
            for (int i = 0; i < n; i++) {
                var me = new WorkerIdentity("host-" + i, 1000 + i, "n" + i);
                Callable<RunClaim> task = () -> {
                    start.await();
                    return claims.claim("run-1", me, "run", at, LEASE);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            var out = new ArrayList<RunClaim>();
            for (var f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void seedChunk(Ledger ledger) {
        try (var w = PlanWriter.open(ledger, "run-1")) {
            w.item("a", 1, 1, "{}", 10, 10, 0);
            w.chunk(ChunkRecord.planned("run-1", 1, 0, "/v1/responses", "gpt-4o", "f", 1, 3, 10, 10, 0.1, 0));
            w.commit(new RunRecord("run-1", 0, "in", "sha", "dir", "{}", RunState.ACTIVE, 1, 0, null));
        }
    }
}
