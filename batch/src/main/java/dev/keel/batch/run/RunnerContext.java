package dev.keel.batch.run;

import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.Ledger;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import dev.keel.core.cost.PriceTable;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the parts of a runner share: the ledger, the one batch client and the options of its calls,
 * prices, the replay policy, the run's configuration, the clock, and the last thing a step did (for
 * progress lines). Not thread-safe; one per runner.
 */
final class RunnerContext {

    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);

    final Ledger ledger;
    final KeelClient client;
    final PriceTable prices;
    final ReplayPolicy policy;
    final RunConfig config;
    final Clock clock;
    /** Every upstream call of a runner: batch traffic class. */
    final CallOptions options = CallOptions.defaults().withTrafficClass(TrafficClass.BATCH);

    /** The runner's trace spans; {@link BatchSpans#OFF} until tracing is switched on. */
    BatchSpans spans = BatchSpans.OFF;

    /** The route and the flex lane's settings (set once, before driving). */
    volatile FlexConfig flex = FlexConfig.ofDefaults();

    private String lastEvent = "";

    RunnerContext(
            Ledger ledger, KeelClient client, PriceTable prices, ReplayPolicy policy, RunConfig config, Clock clock) {
        this.ledger = ledger;
        this.client = client;
        this.prices = prices;
        this.policy = policy;
        this.config = config;
        this.clock = clock;
    }

    /**
     * The deadline of a batch create begun now: now plus the client's business timeout. The create
     * call (one attempt, in-flight wait included) gets what is left of it as its budget.
     */
    long createDeadline() {
        return clock.millis() + client.config().businessTimeout().toMillis();
    }

    /**
     * Until when a create whose call ends by {@code deadline} may still land upstream: one per-call
     * timeout more, for the upstream to finish a request it accepted just before the client gave up.
     */
    long createMayLandUntil(long deadline) {
        return deadline + client.config().perCallTimeout().toMillis();
    }

    /**
     * Runs {@code work} inside the span of chunk step {@code step} (current while it runs, so the
     * step's upstream calls nest under it); a failure marks the span and goes on up.
     */
    <T> T inStep(ChunkRecord ch, String step, boolean reconcile, java.util.function.Function<BatchSpans.Step, T> work) {
        try (BatchSpans.Step s = spans.step(ch, step, reconcile)) {
            try {
                return work.apply(s);
            } catch (RuntimeException e) {
                s.failed(e);
                throw e;
            }
        }
    }

    /** Logs what a step did to {@code ch} and keeps it as the last event. */
    void event(ChunkRecord ch, String what) {
        lastEvent = what;
        log.info("run={} chunk={} {}", ch.runId(), ch.chunkNo(), what);
    }

    /** Keeps {@code what} as the last event without logging it (the caller logs it its own way). */
    void lastEvent(String what) {
        lastEvent = what;
    }

    String lastEvent() {
        return lastEvent;
    }

    /** Gives {@code ch}'s lease back (if this worker still holds it). */
    void release(ChunkRecord ch) {
        ledger.release(ch.runId(), ch.chunkNo(), config.workerId());
    }
}
