package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Responses created with {@code background: true}: each runs on the emulator's clock ({@code queued}
 * for {@link #QUEUED_FOR}, {@code in_progress} for {@link #RUN_FOR}, in emulated time at the
 * emulator's speed), can be polled, cancelled, and — when created with {@code stream: true} —
 * streamed again from any {@code sequence_number}. A stream waits for each event's emulated time, so
 * it runs exactly as fast as the clock. Thread-safe.
 */
final class BackgroundResponses implements AutoCloseable {

    /** Emulated time a background response stays {@code queued}. */
    static final Duration QUEUED_FOR = Duration.ofSeconds(1);
    /** Emulated time a background response stays {@code in_progress}. */
    static final Duration RUN_FOR = Duration.ofSeconds(2);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final InstantSource clock;
    private final double speed;
    /** The newest 1,000 background responses as live runs; older ones are answered from the stored response. */
    private final CappedMap<Entry> runs = new CappedMap<>(1_000);

    private volatile boolean closed;

    private record Entry(BackgroundRun run, Instant created) {}

    /** @param speed emulated seconds per real second */
    BackgroundResponses(InstantSource clock, double speed) {
        this.clock = clock;
        this.speed = speed;
    }

    /**
     * Starts running {@code finished} (the answer as it will end) in the background.
     *
     * @param fail end {@code failed} with a {@code server_error} instead (a 5xx fault on the create)
     * @return the response now: {@code queued}
     */
    ObjectNode start(ObjectNode finished, boolean streamable, boolean fail) {
        var run = new BackgroundRun(
                fail ? failed(finished) : finished, seconds(QUEUED_FOR), seconds(RUN_FOR), streamable);
        var entry = new Entry(run, clock.instant());
        runs.put(run.id(), entry);
        return run.view(elapsed(entry));
    }

    /** The background response with this id as it is now, if there is one. */
    Optional<ObjectNode> find(String id) {
        Entry e = runs.get(id);
        return e == null ? Optional.empty() : Optional.of(e.run().view(elapsed(e)));
    }

    /** Cancels the background response with this id (a no-op once it has finished), if there is one. */
    Optional<ObjectNode> cancel(String id) {
        Entry e = runs.get(id);
        return e == null ? Optional.empty() : Optional.of(e.run().cancel(elapsed(e)));
    }

    /** Forgets it (after {@code DELETE}); whether there was one. */
    boolean forget(String id) {
        return runs.remove(id) != null;
    }

    /** Whether it exists and was created with {@code stream: true}. */
    boolean streamable(String id) {
        Entry e = runs.get(id);
        return e != null && e.run().streamable();
    }

    /**
     * Its events after {@code startingAfter} ({@code -1} for all), each sent once the clock reaches it.
     *
     * @throws ApiException 404 when there is no background response with that id
     */
    Paced stream(String id, long startingAfter) {
        Entry e = runs.get(id);
        if (e == null) {
            throw ResponsesApi.notFound(id); // deleted or forgotten since the caller looked
        }
        List<ObjectNode> all = e.run().events();
        int from = (int) Math.max(0, Math.min(all.size(), startingAfter + 1));
        return new Paced(all.subList(from, all.size()), index -> awaitEvent(e, from + index));
    }

    /** A stream's events and the wait before each. */
    record Paced(List<ObjectNode> events, EventStream.Pacer pacer) {}

    /** Stops every waiting stream. */
    @Override
    public void close() {
        closed = true;
    }

    private boolean awaitEvent(Entry e, int index) {
        while (!closed) {
            if (e.run().eventsBy(elapsed(e)) > index) {
                return true;
            }
            if (e.run().neverHappens(index) || runs.get(e.run().id()) != e) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return false;
    }

    private double elapsed(Entry e) {
        return Duration.between(e.created(), clock.instant()).toNanos() / 1e9 * speed;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static ObjectNode failed(ObjectNode finished) {
        ObjectNode f = finished.deepCopy();
        f.put("status", "failed");
        f.putNull("completed_at");
        f.putNull("incomplete_details");
        f.putObject("error")
                .put("code", "server_error")
                .put("message", "The server had an error while processing your request. Sorry about that!");
        f.putArray("output");
        f.remove("usage");
        return f;
    }
}
