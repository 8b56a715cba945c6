package dev.keel.batch.run;

import dev.keel.batch.ledger.ClaimHolder;
import dev.keel.batch.ledger.RunBusyException;
import dev.keel.batch.ledger.RunClaim;
import dev.keel.batch.ledger.RunClaims;
import dev.keel.batch.ledger.WorkerIdentity;
import dev.keel.core.time.Sleeper;
import java.time.Duration;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker's leases alive while it works: every third of the lease it renews the chunk leases
 * it holds (the chunk whose upload, create or poll call is in flight) and, for a command that drives
 * one run, its claim of that run (see {@link RunClaims}). A lease therefore outlives the longest step
 * it guards for as long as the process lives, and lapses within one lease once it dies. When the run
 * claim turns out to be someone else's (this process was frozen longer than its lease and another
 * took over), {@link #checkHeld} throws and the driving stops. Renewals run on one daemon thread;
 * the other methods are thread-safe.
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final RunClaims claims;
    private final String owner;
    private final String runId;
    private final Duration lease;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private volatile ClaimHolder lostTo;
    private volatile boolean lost;
    private Thread thread;

    /**
     * @param runId the run this worker claimed, or null for a worker that claims no run (it keeps only
     *     its chunk leases)
     */
    public LeaseKeeper(
            RunClaims claims, String owner, String runId, Duration lease, InstantSource clock, Sleeper sleeper) {
        this.claims = claims;
        this.owner = owner;
        this.runId = runId;
        this.lease = lease;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Refuses a lease that a single call can outlast.
     *
     * @throws IllegalArgumentException when {@code lease} is shorter than {@code perCallTimeout}, naming
     *     {@code --lease}
     */
    public static void requireOutlives(Duration lease, Duration perCallTimeout) {
        if (lease.compareTo(perCallTimeout) < 0) {
            throw new IllegalArgumentException("--lease " + human(lease) + " is shorter than --per-call-timeout "
                    + human(perCallTimeout) + ": a lease must outlive the longest call it guards, or another worker"
                    + " takes the chunk over while its create is in flight and pays for it twice. Use --lease "
                    + human(perCallTimeout) + " or more (it is renewed every third of it while a call runs), or a"
                    + " shorter --per-call-timeout");
        }
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /**
     * Claims {@code runId} for {@code me} and starts renewing.
     *
     * @throws RunBusyException when another live process drives the run; nothing was changed
     */
    public static LeaseKeeper claim(
            RunClaims claims,
            String runId,
            WorkerIdentity me,
            String command,
            Duration lease,
            InstantSource clock,
            Sleeper sleeper) {
        switch (claims.claim(runId, me, command, clock.millis(), lease.toMillis())) {
            case RunClaim.Claimed c -> {}
            case RunClaim.TookOver t ->
                log.warn(
                        "run={} taken over from {}: {}",
                        runId,
                        t.previous().describe(),
                        t.holderDead() ? "its process is gone from this host" : "its lease lapsed");
            case RunClaim.Busy b -> throw busy(runId, b.holder(), "this process submitted nothing");
        }
        return new LeaseKeeper(claims, me.id(), runId, lease, clock, sleeper).start();
    }

    static RunBusyException busy(String runId, ClaimHolder h, String what) {
        return new RunBusyException(
                "run " + runId + " is being driven by " + h.describe() + "; " + what + ". Wait for it to finish"
                        + " ('keel batch status --run " + runId + "' shows its progress), stop that process, or run"
                        + " this again once its lease has lapsed (a holder on the same host whose process has died is"
                        + " taken over at once)",
                h);
    }

    /** Starts renewing every third of the lease on a daemon thread; returns this. */
    public LeaseKeeper start() {
        thread = Thread.ofPlatform().daemon().name("keel-lease-keeper").start(this::loop);
        return this;
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                sleeper.sleep(lease.dividedBy(3));
                renewNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Renews this worker's chunk leases and run claim now; a failed renewal is logged and tried again later. */
    public void renewNow() {
        long now = clock.millis();
        try {
            claims.renewChunkLeases(owner, now, lease.toMillis());
            if (runId != null && !lost && !claims.renew(runId, owner, now, lease.toMillis())) {
                lostTo = claims.holder(runId).orElse(null);
                lost = true;
                log.warn("run={} is no longer driven by this process ({}): another process took it over", runId, owner);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "could not renew the leases of worker {} ({}); trying again in {}",
                    owner,
                    e.getMessage(),
                    lease.dividedBy(3));
        }
    }

    /** @throws RunBusyException when another process took the run over from this one */
    public void checkHeld() {
        if (lost) {
            ClaimHolder h = lostTo;
            if (h == null) {
                throw new RunBusyException(
                        "run " + runId + " is no longer claimed by this process (" + owner + "); it stopped", null);
            }
            throw busy(runId, h, "it took the run over from this process, which stopped");
        }
    }

    /** {@code progress}, checking after each step that this process still drives the run. */
    public ProgressListener guard(ProgressListener progress) {
        return new ProgressListener() {
            @Override
            public void progress(RunProgress p) {
                checkHeld();
                progress.progress(p);
            }

            @Override
            public void waiting(String line) {
                progress.waiting(line);
            }
        };
    }

    /** The worker id whose leases this keeper renews. */
    public String owner() {
        return owner;
    }

    /** Stops renewing and gives the run claim back (if still held). */
    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (runId != null && !lost) {
            try {
                claims.release(runId, owner);
            } catch (RuntimeException e) {
                log.warn("could not release run {} ({}); its lease lapses by itself", runId, e.getMessage());
            }
        }
    }
}
