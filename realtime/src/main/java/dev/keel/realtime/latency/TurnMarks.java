package dev.keel.realtime.latency;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The instants observed during one turn, turned into segments by {@link #latency}. Not thread-safe
 * (the session controller owns it under its lock).
 */
public final class TurnMarks {

    /** What was observed, in turn order. */
    public enum Mark {
        /** The device captured the chunk where the user's speech ended. */
        SPEECH_END_CAPTURED,
        /** That chunk was handed to the bridge. */
        SPEECH_END_HANDED,
        /** The chunk that let the server end the turn (speech end + silence) left the socket. */
        DECIDING_CHUNK_SENT,
        /** {@code input_audio_buffer.speech_stopped} arrived. */
        SPEECH_STOPPED,
        /** The answer's first audio arrived. */
        FIRST_AUDIO,
        /** It was handed to the player. */
        FIRST_AUDIO_DELIVERED,
        /** The player started sounding it. */
        PLAYBACK_STARTED
    }

    private final int turn;
    private final Map<Mark, Instant> marks = new EnumMap<>(Mark.class);

    public TurnMarks(int turn) {
        this.turn = turn;
    }

    public int turn() {
        return turn;
    }

    /** Notes a mark the first time only. */
    public void mark(Mark m, Instant at) {
        if (at != null) {
            marks.putIfAbsent(m, at);
        }
    }

    public boolean has(Mark m) {
        return marks.containsKey(m);
    }

    /** When {@code m} was observed, or null when it was not (yet). */
    public Instant at(Mark m) {
        return marks.get(m);
    }

    /** The two marks a segment runs between ({@link Segment#E2E}: the first and the last). */
    public static Mark[] ends(Segment s) {
        return switch (s) {
            case CAPTURE -> new Mark[] {Mark.SPEECH_END_CAPTURED, Mark.SPEECH_END_HANDED};
            case UPLINK -> new Mark[] {Mark.DECIDING_CHUNK_SENT, Mark.SPEECH_STOPPED};
            case INFERENCE -> new Mark[] {Mark.SPEECH_STOPPED, Mark.FIRST_AUDIO};
            case DOWNLINK -> new Mark[] {Mark.FIRST_AUDIO, Mark.FIRST_AUDIO_DELIVERED};
            case PLAYBACK -> new Mark[] {Mark.FIRST_AUDIO_DELIVERED, Mark.PLAYBACK_STARTED};
            case E2E -> new Mark[] {Mark.SPEECH_END_CAPTURED, Mark.PLAYBACK_STARTED};
        };
    }

    /** The segments whose two ends were both observed (negative spans count as zero). */
    public TurnLatency latency() {
        Map<Segment, Duration> s = new EnumMap<>(Segment.class);
        for (Segment seg : Segment.values()) {
            Mark[] e = ends(seg);
            span(s, seg, e[0], e[1]);
        }
        return new TurnLatency(turn, s);
    }

    private void span(Map<Segment, Duration> out, Segment seg, Mark from, Mark to) {
        Instant a = marks.get(from);
        Instant b = marks.get(to);
        if (a != null && b != null) {
            Duration d = Duration.between(a, b);
            out.put(seg, d.isNegative() ? Duration.ZERO : d);
        }
    }
}
