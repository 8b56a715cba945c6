package dev.keel.springboot;

import dev.keel.core.KeelClient;
import dev.keel.core.time.Sleeper;
import dev.keel.wire.time.Ticker;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Graceful shutdown: when the context stops — after the web server stopped taking requests (this
 * phase runs later) — keel waits for the calls already in flight to finish, at most one business
 * timeout ({@code keel.timeouts.business}, the longest any call may take), saying what it waits for,
 * then closes its clients. Calls still running at the end are cut by the close and fail as transport
 * errors; nothing new is admitted once the clients are closed.
 */
public final class KeelShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KeelShutdown.class);

    /** Later than Boot's web server graceful shutdown, so requests in progress still have keel. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Duration POLL = Duration.ofMillis(20);

    private final KeelClients clients;
    private final Duration budget;
    private final Sleeper sleeper;
    private final Ticker ticker;
    private volatile boolean running;

    public KeelShutdown(KeelClients clients, Duration budget, Sleeper sleeper, Ticker ticker) {
        this.clients = clients;
        this.budget = budget;
        this.sleeper = sleeper;
        this.ticker = ticker;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        try {
            drain();
        } finally {
            running = false;
            clients.close();
        }
    }

    /** Waits, within the budget, until neither client has a call in flight; returns how many were left. */
    int drain() {
        int left = inFlight();
        if (left == 0) {
            return 0;
        }
        log.info("keel: waiting up to {} for {} call(s) in flight to finish before closing", budget, left);
        long end = ticker.read() + budget.toNanos();
        try {
            while ((left = inFlight()) > 0 && ticker.read() < end) {
                sleeper.sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (left > 0) {
            log.warn(
                    "keel: {} call(s) still in flight after {}; closing now, they fail as transport errors",
                    left,
                    budget);
        } else {
            log.info("keel: every call in flight finished; closing");
        }
        return left;
    }

    private int inFlight() {
        return inUse(clients.online()) + (clients.batch() == clients.online() ? 0 : inUse(clients.batch()));
    }

    private static int inUse(KeelClient client) {
        return client.inFlight().inUse();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
