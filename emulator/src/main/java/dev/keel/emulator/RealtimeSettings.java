package dev.keel.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How the emulator's realtime WebSocket ({@code /v1/realtime?model=…}) behaves. Immutable.
 *
 * @param audioPace how fast synthetic answer audio is streamed relative to real time: 1 sends 100 ms
 *     of audio every 100 ms, as the API does; 10 sends it ten times faster (tests and the demo)
 * @param answerDuration how much audio one answer has (default 2 s)
 * @param maxSessionDuration after this long a session gets an {@code error} with code {@code
 *     session_expired} and is closed with 1001, as the API does after 60 minutes (the default)
 */
public record RealtimeSettings(double audioPace, Duration answerDuration, Duration maxSessionDuration) {

    /** @throws IllegalArgumentException for a non-positive pace or duration */
    public RealtimeSettings {
        Objects.requireNonNull(answerDuration, "answerDuration");
        Objects.requireNonNull(maxSessionDuration, "maxSessionDuration");
        if (!(audioPace > 0)) {
            throw new IllegalArgumentException("audioPace must be positive (1 = real time), got " + audioPace);
        }
        if (answerDuration.toMillis() < 100 || maxSessionDuration.isZero() || maxSessionDuration.isNegative()) {
            throw new IllegalArgumentException("answerDuration must be >= 100ms and maxSessionDuration positive, got "
                    + answerDuration + " / " + maxSessionDuration);
        }
    }

    /** Real-time pace, 2 s answers, 60-minute sessions. */
    public static RealtimeSettings ofDefaults() {
        return new RealtimeSettings(1.0, Duration.ofSeconds(2), Duration.ofMinutes(60));
    }

    public RealtimeSettings withAudioPace(double pace) {
        return new RealtimeSettings(pace, answerDuration, maxSessionDuration);
    }

    public RealtimeSettings withAnswerDuration(Duration d) {
        return new RealtimeSettings(audioPace, d, maxSessionDuration);
    }

    public RealtimeSettings withMaxSessionDuration(Duration d) {
        return new RealtimeSettings(audioPace, answerDuration, d);
    }
}
