package dev.keel.batch.run;

import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.LeaseLostException;
import dev.keel.batch.ledger.RunSpans;
import dev.keel.core.error.KeelException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A batch runner's trace spans, through the OpenTelemetry API alone: one {@code batch run} span per
 * run this process drives, opened on the run's first step (its parent is the context current then,
 * usually none), and one span per chunk step ({@code batch upload}, {@code batch create}, {@code batch
 * poll}, {@code batch collect}) as its child, current while the step runs, so the step's upstream call
 * spans ({@link dev.keel.core.trace.KeelTracing}) nest under it.
 *
 * <p>Across restarts: a span cannot outlive its process, so a process that resumes a run opens a
 * run span of its own (a new trace), with the same {@code keel.batch.run_id} attribute and a link to
 * each earlier run span of that run (the newest {@value #MAX_LINKS}), whose contexts the ledger keeps
 * ({@link RunSpans}). A run span of a process that crashed is never exported; its steps that ended
 * were, and the link still names its trace. Off ({@link #OFF}), nothing of OpenTelemetry runs and
 * nothing is written to the ledger. Not thread-safe; one per runner.
 */
final class BatchSpans {

    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("keel.batch.run_id");
    static final AttributeKey<String> WORKER = AttributeKey.stringKey("keel.batch.worker");
    static final AttributeKey<Boolean> RESUMED = AttributeKey.booleanKey("keel.batch.resumed");
    static final AttributeKey<Long> PREVIOUS = AttributeKey.longKey("keel.batch.previous_run_spans");
    static final AttributeKey<String> LINK = AttributeKey.stringKey("keel.batch.link");
    static final AttributeKey<String> RUN_OUTCOME = AttributeKey.stringKey("keel.batch.run.outcome");
    static final AttributeKey<Long> SUCCEEDED = AttributeKey.longKey("keel.batch.succeeded");
    static final AttributeKey<Long> FAILED = AttributeKey.longKey("keel.batch.failed");
    static final AttributeKey<Long> REPLAYED = AttributeKey.longKey("keel.batch.replayed");
    static final AttributeKey<Long> HELD = AttributeKey.longKey("keel.batch.held");
    static final AttributeKey<Long> CHUNK = AttributeKey.longKey("keel.batch.chunk");
    static final AttributeKey<Long> ROUND = AttributeKey.longKey("keel.batch.round");
    static final AttributeKey<Long> ITEMS = AttributeKey.longKey("keel.batch.items");
    static final AttributeKey<String> STEP = AttributeKey.stringKey("keel.batch.step");
    static final AttributeKey<Boolean> RECONCILE = AttributeKey.booleanKey("keel.batch.reconcile");
    static final AttributeKey<Long> LEASE_GEN = AttributeKey.longKey("keel.batch.lease_gen");
    static final AttributeKey<String> FILE_ID = AttributeKey.stringKey("keel.batch.file_id");
    static final AttributeKey<String> BATCH_ID = AttributeKey.stringKey("keel.batch.batch_id");
    static final AttributeKey<String> BATCH_STATUS = AttributeKey.stringKey("keel.batch.status");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("keel.batch.step.outcome");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** How many earlier run spans a resumed run span links to, newest first. */
    static final int MAX_LINKS = 16;

    /** No tracing: every method returns at once. */
    static final BatchSpans OFF = new BatchSpans(null, null, null, null);

    private final Tracer tracer;
    private final RunSpans store;
    private final String worker;
    private final Clock clock;
    private final Map<String, Span> runs = new LinkedHashMap<>();

    private BatchSpans(Tracer tracer, RunSpans store, String worker, Clock clock) {
        this.tracer = tracer;
        this.store = store;
        this.worker = worker;
        this.clock = clock;
    }

    /** Spans from {@code otel}, run span contexts kept in {@code store}. */
    static BatchSpans of(OpenTelemetry otel, RunSpans store, String worker, Clock clock) {
        var b = otel.tracerBuilder("dev.keel.batch");
        String version = BatchSpans.class.getPackage().getImplementationVersion();
        return new BatchSpans(
                (version == null ? b : b.setInstrumentationVersion(version)).build(), store, worker, clock);
    }

    boolean on() {
        return tracer != null;
    }

    /** This process's span of {@code runId}, opened (linked to the run's earlier spans) on first use. */
    private Span run(String runId) {
        return runs.computeIfAbsent(runId, this::openRun);
    }

    private Span openRun(String runId) {
        List<RunSpans.Span> earlier = store.newest(runId, MAX_LINKS);
        SpanBuilder b = tracer.spanBuilder("batch run")
                .setSpanKind(SpanKind.INTERNAL)
                .setParent(Context.current())
                .setAttribute(RUN_ID, runId)
                .setAttribute(WORKER, worker)
                .setAttribute(RESUMED, !earlier.isEmpty())
                .setAttribute(PREVIOUS, (long) earlier.size());
        for (RunSpans.Span e : earlier) {
            SpanContext linked = SpanContext.createFromRemoteParent(
                    e.traceId(), e.spanId(), TraceFlags.fromHex(e.traceFlags(), 0), TraceState.getDefault());
            if (linked.isValid()) {
                b.addLink(linked, Attributes.of(LINK, "previous_run_span", WORKER, e.owner()));
            }
        }
        Span span = b.startSpan();
        SpanContext sc = span.getSpanContext();
        if (sc.isValid()) {
            store.record(
                    runId,
                    new RunSpans.Span(
                            sc.getTraceId(), sc.getSpanId(), sc.getTraceFlags().asHex(), worker, clock.millis()));
        }
        return span;
    }

    /** Ends this process's span of {@code runId} with how the driving ended (no-op when none was opened). */
    void endRun(String runId, RunOutcome outcome) {
        Span span = runs.remove(runId);
        if (span == null) {
            return;
        }
        switch (outcome) {
            case RunOutcome.Finished f -> {
                span.setAttribute(RUN_OUTCOME, f.cancelled() ? "cancelled" : "finished");
                span.setAttribute(SUCCEEDED, f.succeeded());
                span.setAttribute(FAILED, f.failed());
            }
            case RunOutcome.Held h -> {
                span.setAttribute(RUN_OUTCOME, "held");
                span.setAttribute(HELD, h.heldItems());
            }
        }
        span.end();
    }

    /** Ends this process's span of {@code runId} (every open one when null) after {@code error}. */
    void endRun(String runId, Throwable error) {
        for (var it = runs.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (runId == null || runId.equals(e.getKey())) {
                Span span = e.getValue();
                span.setAttribute(RUN_OUTCOME, error instanceof UpstreamGaveUpException ? "gave_up" : "failed");
                fail(span, error);
                span.end();
                it.remove();
            }
        }
    }

    /** Ends every run span still open (a worker that ran out of work). */
    void endRuns(String outcome) {
        for (Span span : runs.values()) {
            span.setAttribute(RUN_OUTCOME, outcome);
            span.end();
        }
        runs.clear();
    }

    /**
     * Opens the span of {@code step} on {@code ch} as a child of its run span and makes it current
     * until {@link Step#close}.
     */
    Step step(ChunkRecord ch, String step, boolean reconcile) {
        if (!on()) {
            return Step.OFF;
        }
        Span parent = run(ch.runId());
        SpanBuilder b = tracer.spanBuilder("batch " + step)
                .setSpanKind(SpanKind.INTERNAL)
                .setParent(Context.current().with(parent))
                .setAttribute(RUN_ID, ch.runId())
                .setAttribute(CHUNK, (long) ch.chunkNo())
                .setAttribute(ROUND, (long) ch.round())
                .setAttribute(ITEMS, (long) ch.items())
                .setAttribute(STEP, step)
                .setAttribute(RECONCILE, reconcile)
                .setAttribute(LEASE_GEN, ch.leaseGen());
        if (ch.fileId() != null) {
            b.setAttribute(FILE_ID, ch.fileId());
        }
        if (ch.batchId() != null) {
            b.setAttribute(BATCH_ID, ch.batchId());
        }
        Span span = b.startSpan();
        return new Step(span, span.makeCurrent());
    }

    private static void fail(Span span, Throwable error) {
        String type = switch (error) {
            case KeelException k -> k.kind().name().toLowerCase(Locale.ROOT);
            case LeaseLostException l -> "lease_lost";
            default -> error.getClass().getName();
        };
        span.setAttribute(ERROR_TYPE, type);
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
    }

    /** One chunk step's span, current until closed. Not thread-safe. */
    static final class Step implements AutoCloseable {

        static final Step OFF = new Step(null, null);

        private final Span span;
        private final Scope scope;

        private Step(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        /** How the step ended ({@code keel.batch.step.outcome}). */
        Step outcome(String outcome) {
            return set(OUTCOME, outcome);
        }

        <T> Step set(AttributeKey<T> key, T value) {
            if (span != null && value != null) {
                span.setAttribute(key, value);
            }
            return this;
        }

        /** The step failed with {@code error}: {@code error.type} and an ERROR status. */
        void failed(Throwable error) {
            if (span != null) {
                fail(span, error);
            }
        }

        @Override
        public void close() {
            if (span != null) {
                scope.close();
                span.end();
            }
        }
    }
}
