package dev.keel.batch.ledger;

import java.util.List;

/**
 * The trace spans opened for a run by the processes that drove it, kept in the ledger so a process
 * that resumes the run can link its own run span to them (traces do not survive a process, the
 * ledger does). Holds ids only, no tracing types. Thread-safe.
 */
public final class RunSpans {

    /**
     * One run span as its trace context.
     *
     * @param traceId 32 lower-case hex digits
     * @param spanId 16 lower-case hex digits
     * @param traceFlags 2 hex digits ({@code 01}: sampled)
     * @param owner the worker that opened it
     * @param startedAt epoch milliseconds
     */
    public record Span(String traceId, String spanId, String traceFlags, String owner, long startedAt) {}

    private final Ledger ledger;

    public RunSpans(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Records that {@code span} was opened for {@code runId}; recording the same span twice keeps one row. */
    public void record(String runId, Span span) {
        ledger.update(
                "INSERT INTO keel_batch_run_span (run_id, trace_id, span_id, trace_flags, owner, started_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, span_id) DO NOTHING",
                runId,
                span.traceId(),
                span.spanId(),
                span.traceFlags(),
                span.owner(),
                span.startedAt());
    }

    /** The newest {@code limit} run spans of {@code runId}, newest first. */
    public List<Span> newest(String runId, int limit) {
        return ledger.query(
                "SELECT trace_id, span_id, trace_flags, owner, started_at FROM keel_batch_run_span WHERE run_id = ?"
                        + " ORDER BY started_at DESC, span_id DESC LIMIT " + Math.max(0, limit),
                rs -> new Span(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)),
                runId);
    }
}
