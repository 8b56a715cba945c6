package dev.keel.realtime.session;

import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A {@link Scheduler} on a {@link FakeClock}: tasks run when {@link #advance} passes their time. */
final class FakeScheduler implements Scheduler {

    private final FakeClock clock;
    private final List<Object[]> tasks = new ArrayList<>();

    FakeScheduler(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized AutoCloseable schedule(Duration delay, Runnable task) {
        Object[] entry = {clock.instant().plus(delay), task};
        tasks.add(entry);
        return () -> {
            synchronized (this) {
                tasks.remove(entry);
            }
        };
    }

    /** Moves the clock and runs every task now due, in time order. */
    void advance(Duration step) {
        clock.advance(step);
        while (true) {
            Runnable due = null;
            synchronized (this) {
                for (Object[] t : tasks) {
                    if (!((Instant) t[0]).isAfter(clock.instant())) {
                        due = (Runnable) t[1];
                        tasks.remove(t);
                        break;
                    }
                }
            }
            if (due == null) {
                return;
            }
            due.run();
        }
    }

    synchronized int pending() {
        return tasks.size();
    }
}
