package dev.keel.realtime.session;

import dev.keel.realtime.latency.LatencyBudget;
import dev.keel.realtime.latency.Segment;
import dev.keel.realtime.latency.TurnLatency;
import dev.keel.realtime.latency.TurnMarks;
import dev.keel.realtime.latency.TurnMarks.Mark;
import dev.keel.realtime.latency.TurnVerdict;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One session's turn spans, through the OpenTelemetry API alone: a span {@code realtime.turn} per
 * turn, from the captured end of the user's speech until the answer is over (completed,
 * interrupted, cut off, reset, lost to a reconnect, or the session closed), with one child span per
 * latency segment ({@code realtime.capture}, {@code realtime.uplink}, {@code realtime.inference},
 * {@code realtime.downlink}, {@code realtime.playback}) at the instants the controller marked, the
 * segments' milliseconds and the budget verdict as attributes, and a barge-in as the event {@code
 * keel.realtime.interrupt}. The parent is the {@link Context} current when the session started.
 * Audio, transcripts and tokens are never recorded. Called by {@link SessionController} under its
 * lock only, so not thread-safe by itself.
 */
final class TurnTracing {

    static final AttributeKey<Long> TURN = AttributeKey.longKey("keel.realtime.turn");
    static final AttributeKey<String> SESSION = AttributeKey.stringKey("keel.realtime.session_id");
    static final AttributeKey<String> END = AttributeKey.stringKey("keel.realtime.turn.end");
    static final AttributeKey<List<String>> OVER_BUDGET = AttributeKey.stringArrayKey("keel.realtime.over_budget");
    static final AttributeKey<String> SEGMENT = AttributeKey.stringKey("keel.realtime.segment");
    static final AttributeKey<Double> SEGMENT_MS = AttributeKey.doubleKey("keel.realtime.segment_ms");
    static final AttributeKey<Long> BUDGET_MS = AttributeKey.longKey("keel.realtime.budget_ms");
    static final AttributeKey<Boolean> SEGMENT_OVER = AttributeKey.booleanKey("keel.realtime.over_budget");
    static final AttributeKey<String> CAUSE = AttributeKey.stringKey("keel.realtime.interrupt.cause");
    static final AttributeKey<Boolean> TRUNCATED = AttributeKey.booleanKey("keel.realtime.truncated");
    static final AttributeKey<Long> AUDIO_END_MS = AttributeKey.longKey("keel.realtime.audio_end_ms");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");

    /** The five segments that get a child span; {@link Segment#E2E} is the turn span itself. */
    private static final List<Segment> CHILDREN =
            List.of(Segment.CAPTURE, Segment.UPLINK, Segment.INFERENCE, Segment.DOWNLINK, Segment.PLAYBACK);

    private final Tracer tracer;
    private final LatencyBudget budget;
    private Context parent = Context.root();

    /** The open turn, or null between turns. */
    private Span turn;

    private TurnMarks marks;
    private final Set<Segment> emitted = EnumSet.noneOf(Segment.class);
    private boolean interrupted;

    TurnTracing(OpenTelemetry otel, LatencyBudget budget) {
        var b = otel.tracerBuilder("dev.keel.realtime");
        String version = TurnTracing.class.getPackage().getImplementationVersion();
        this.tracer = (version == null ? b : b.setInstrumentationVersion(version)).build();
        this.budget = budget;
    }

    /** The session is starting on this thread: its current context is every turn's parent. */
    void sessionStarted() {
        parent = Context.current();
    }

    /** A new turn (speech_stopped): an open one ends first ({@code superseded}, or {@code interrupted}). */
    void turnStarted(TurnMarks m, String sessionId, Instant now) {
        if (turn != null) {
            turnEnded(interrupted ? "interrupted" : "superseded", null, now);
        }
        marks = m;
        emitted.clear();
        interrupted = false;
        Instant start = m.at(Mark.SPEECH_END_CAPTURED) != null ? m.at(Mark.SPEECH_END_CAPTURED) : now;
        var b = tracer.spanBuilder("realtime.turn")
                .setSpanKind(SpanKind.INTERNAL)
                .setParent(parent)
                .setStartTimestamp(start)
                .setAttribute(TURN, (long) m.turn());
        if (sessionId != null) {
            b.setAttribute(SESSION, sessionId);
        }
        turn = b.startSpan();
        marked();
    }

    /** Emits the child span of every segment whose two marks are now known. */
    void marked() {
        if (turn == null) {
            return;
        }
        for (Segment s : CHILDREN) {
            Mark[] e = TurnMarks.ends(s);
            Instant from = marks.at(e[0]);
            Instant to = marks.at(e[1]);
            if (from == null || to == null || !emitted.add(s)) {
                continue;
            }
            Instant end = to.isBefore(from) ? from : to;
            double ms = Duration.between(from, end).toNanos() / 1e6;
            long limit = budget.of(s).toMillis();
            tracer.spanBuilder("realtime." + name(s))
                    .setSpanKind(SpanKind.INTERNAL)
                    .setParent(parent.with(turn))
                    .setStartTimestamp(from)
                    .setAttribute(SEGMENT, name(s))
                    .setAttribute(SEGMENT_MS, ms)
                    .setAttribute(BUDGET_MS, limit)
                    .setAttribute(SEGMENT_OVER, ms > limit)
                    .startSpan()
                    .end(end);
        }
    }

    /** The turn's latency was measured: its segments' milliseconds and what overran go on the turn span. */
    void measured(TurnLatency t, TurnVerdict verdict) {
        if (turn == null) {
            return;
        }
        t.segments().forEach((s, d) -> turn.setAttribute("keel.realtime." + name(s) + "_ms", d.toNanos() / 1e6));
        turn.setAttribute(
                OVER_BUDGET,
                verdict instanceof TurnVerdict.Overran o
                        ? o.segments().stream().map(TurnTracing::name).toList()
                        : List.of());
    }

    /** A barge-in sent its cancel (and truncate), or could not. */
    void interrupt(String cause, InterruptResult r, Instant at) {
        if (turn == null) {
            return;
        }
        switch (r) {
            case InterruptResult.Cancelled c -> {
                interrupted = true;
                turn.addEvent(
                        "keel.realtime.interrupt",
                        Attributes.of(
                                CAUSE,
                                cause,
                                TRUNCATED,
                                c.truncated(),
                                AUDIO_END_MS,
                                c.audioEndMs(),
                                RESPONSE_ID,
                                String.valueOf(c.responseId())),
                        at);
            }
            case InterruptResult.SendFailed f -> {
                turn.addEvent("keel.realtime.interrupt_failed", Attributes.of(CAUSE, cause), at);
                turn.setStatus(
                        StatusCode.ERROR,
                        "the cancel could not be sent: " + f.failure().kind());
            }
            case InterruptResult.NothingActive n -> {
                // nothing was playing: no event
            }
        }
    }

    /**
     * The open turn is over: {@code end} is {@code completed}, {@code interrupted}, {@code cut_off},
     * {@code no_audio}, {@code recovering}, {@code closed} or {@code superseded}; {@code error}
     * non-null sets an ERROR status.
     */
    void turnEnded(String end, String error, Instant at) {
        if (turn == null) {
            return;
        }
        marked();
        boolean answerOver = end.equals("completed") || end.equals("cut_off") || end.equals("no_audio");
        turn.setAttribute(END, interrupted && answerOver ? "interrupted" : end);
        if (error != null) {
            turn.setStatus(StatusCode.ERROR, error);
        }
        turn.end(at);
        turn = null;
        marks = null;
    }

    /** Whether a turn is open (an answer is under way or awaited). */
    boolean open() {
        return turn != null;
    }

    /** Whether the open turn was interrupted. */
    boolean interrupted() {
        return interrupted;
    }

    private static String name(Segment s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
