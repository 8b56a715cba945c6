package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One background response on an emulated timeline (seconds since it was created): {@code queued}
 * until {@code queuedFor}, {@code in_progress} for {@code runFor}, then the finished answer's status;
 * its stream events are spread over the same timeline ({@code response.created} and {@code
 * response.queued} at 0, {@code response.in_progress} when it starts, the terminal event when it
 * ends). A cancel freezes the timeline: the status becomes {@code cancelled} and no later event is
 * ever sent. Thread-safe: every method holds the run's lock.
 */
final class BackgroundRun {

    private final ObjectNode finished;
    private final List<ObjectNode> events;
    private final double[] eventAt;
    private final double queuedFor;
    private final double runFor;
    private final boolean streamable;
    private BackgroundStatus status = BackgroundStatus.QUEUED;
    private double cancelledAt = Double.POSITIVE_INFINITY;

    /**
     * @param finished the response as it ends: {@code completed}, {@code incomplete} or {@code failed}
     * @param streamable whether it was created with {@code stream: true} (only then can it be streamed again)
     */
    BackgroundRun(ObjectNode finished, double queuedFor, double runFor, boolean streamable) {
        BackgroundStatus.terminalOf(finished.get("status").asText());
        this.finished = finished;
        this.queuedFor = queuedFor;
        this.runFor = runFor;
        this.streamable = streamable;
        this.events = events(finished);
        this.eventAt = times(events.size(), queuedFor, runFor);
    }

    String id() {
        return finished.get("id").asText();
    }

    boolean streamable() {
        return streamable;
    }

    /** The response object at emulated time {@code t}. */
    synchronized ObjectNode view(double t) {
        advance(t);
        return switch (status) {
            case COMPLETED, INCOMPLETE, FAILED -> finished;
            case QUEUED, IN_PROGRESS, CANCELLED -> pending(finished, status);
        };
    }

    /** Cancels it at {@code t} unless it has already finished; either way, the response object then. */
    synchronized ObjectNode cancel(double t) {
        advance(t);
        if (!status.isTerminal()) {
            status = status.moveTo(BackgroundStatus.CANCELLED);
            cancelledAt = t;
        }
        return view(t);
    }

    /** All its events, in order, {@code sequence_number} from 0. */
    List<ObjectNode> events() {
        return events;
    }

    /** How many of its events have happened by {@code t}. */
    synchronized int eventsBy(double t) {
        advance(t);
        double until = Math.min(t, cancelledAt);
        int n = 0;
        while (n < eventAt.length && eventAt[n] <= until) {
            n++;
        }
        return n;
    }

    /** Whether event {@code index} will never happen (the response was cancelled before it). */
    synchronized boolean neverHappens(int index) {
        return index >= eventAt.length || eventAt[index] > cancelledAt;
    }

    private void advance(double t) {
        if (status == BackgroundStatus.QUEUED && t >= queuedFor) {
            status = status.moveTo(BackgroundStatus.IN_PROGRESS);
        }
        if (status == BackgroundStatus.IN_PROGRESS && t >= queuedFor + runFor) {
            status = status.moveTo(
                    BackgroundStatus.terminalOf(finished.get("status").asText()));
        }
    }

    /** The response while it runs, or cancelled: no output, no usage, no completion time. */
    private static ObjectNode pending(ObjectNode finished, BackgroundStatus status) {
        ObjectNode p = finished.deepCopy();
        p.put("status", status.wire());
        p.putNull("completed_at");
        p.putNull("error");
        p.putNull("incomplete_details");
        p.putArray("output");
        p.remove("usage"); // the spec's usage is an object when present, so a running response has none
        return p;
    }

    private static List<ObjectNode> events(ObjectNode finished) {
        List<ObjectNode> base = "failed".equals(finished.get("status").asText())
                ? failedEvents(finished)
                : new ResponseEvents(finished).all();
        var out = new ArrayList<ObjectNode>(base.size() + 1);
        ObjectNode created = base.get(0);
        created.set("response", pending(finished, BackgroundStatus.QUEUED));
        out.add(created);
        ObjectNode queued = Json.object().put("type", "response.queued");
        queued.set("response", pending(finished, BackgroundStatus.QUEUED));
        out.add(queued);
        out.addAll(base.subList(1, base.size()));
        for (int i = 0; i < out.size(); i++) {
            out.get(i).put("sequence_number", i);
        }
        return List.copyOf(out);
    }

    private static List<ObjectNode> failedEvents(ObjectNode finished) {
        var out = new ArrayList<ObjectNode>();
        out.add(Json.object().put("type", "response.created"));
        ObjectNode started = Json.object().put("type", "response.in_progress");
        started.set("response", pending(finished, BackgroundStatus.IN_PROGRESS));
        out.add(started);
        ObjectNode failed = Json.object().put("type", "response.failed");
        failed.set("response", finished);
        out.add(failed);
        return out;
    }

    /** Event times: created and queued at 0, in_progress at the start, the rest spread up to the end. */
    private static double[] times(int n, double queuedFor, double runFor) {
        double[] at = new double[n];
        at[2] = queuedFor;
        for (int k = 3; k < n - 1; k++) {
            at[k] = queuedFor + runFor * (k - 2) / (n - 2);
        }
        at[n - 1] = queuedFor + runFor;
        return at;
    }
}
