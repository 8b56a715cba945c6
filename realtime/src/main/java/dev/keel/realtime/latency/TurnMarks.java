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

    /** The segments whose two ends were both observed (negative spans count as zero). */
    public TurnLatency latency() {
        Map<Segment, Duration> s = new EnumMap<>(Segment.class);
        span(s, Segment.CAPTURE, Mark.SPEECH_END_CAPTURED, Mark.SPEECH_END_HANDED);
        span(s, Segment.UPLINK, Mark.DECIDING_CHUNK_SENT, Mark.SPEECH_STOPPED);
        span(s, Segment.INFERENCE, Mark.SPEECH_STOPPED, Mark.FIRST_AUDIO);
        span(s, Segment.DOWNLINK, Mark.FIRST_AUDIO, Mark.FIRST_AUDIO_DELIVERED);
        span(s, Segment.PLAYBACK, Mark.FIRST_AUDIO_DELIVERED, Mark.PLAYBACK_STARTED);
        span(s, Segment.E2E, Mark.SPEECH_END_CAPTURED, Mark.PLAYBACK_STARTED);
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
