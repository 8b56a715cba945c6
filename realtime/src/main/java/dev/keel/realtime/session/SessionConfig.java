package dev.keel.realtime.session;

import dev.keel.core.policy.Backoff;
import dev.keel.realtime.latency.LatencyBudget;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SessionController} runs a session. Immutable; start from {@link #ofDefaults()}.
 *
 * @param instructions sent with {@code session.update} on every (re)connect; null keeps the server's
 * @param voice the output voice (default {@code alloy})
 * @param summaryMaxTurns how many recent turns the recovery summary keeps (default 6)
 * @param summaryMaxChars the summary's size cap in characters (default 2,000)
 * @param recoveryBudget how long one recovery may try to reconnect before giving up (default 15 s)
 * @param backoff the wait between reconnect attempts (default full jitter 200 ms … 2 s)
 * @param maxSessionAge the upstream's session limit (60 minutes)
 * @param plannedReconnectLead how long before that limit to reconnect on purpose (default 5 min)
 * @param handshakeTimeout how long to wait for {@code session.created} after connecting (default 10 s)
 * @param latencyBudget the per-turn budgets the verdicts use
 * @param playbackReported true when the application reports playback start and progress itself;
 *     false assumes playback starts when audio is handed to the {@link AudioSink} and runs in real time
 */
public record SessionConfig(
        String instructions,
        String voice,
        int summaryMaxTurns,
        int summaryMaxChars,
        Duration recoveryBudget,
        Backoff backoff,
        Duration maxSessionAge,
        Duration plannedReconnectLead,
        Duration handshakeTimeout,
        LatencyBudget latencyBudget,
        boolean playbackReported) {

    /** @throws IllegalArgumentException naming the value out of range */
    public SessionConfig {
        Objects.requireNonNull(recoveryBudget, "recoveryBudget");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(latencyBudget, "latencyBudget");
        if (summaryMaxTurns < 1 || summaryMaxChars < 1) {
            throw new IllegalArgumentException("summary caps must be >= 1");
        }
        if (plannedReconnectLead.isNegative() || plannedReconnectLead.compareTo(maxSessionAge) >= 0) {
            throw new IllegalArgumentException("plannedReconnectLead must be within maxSessionAge, got "
                    + plannedReconnectLead + " of " + maxSessionAge);
        }
        if (voice == null || voice.isBlank()) {
            voice = "alloy";
        }
    }

    public static SessionConfig ofDefaults() {
        return new SessionConfig(
                null,
                "alloy",
                6,
                2_000,
                Duration.ofSeconds(15),
                Backoff.exponentialFullJitter(Duration.ofMillis(200), Duration.ofSeconds(2)),
                Duration.ofMinutes(60),
                Duration.ofMinutes(5),
                Duration.ofSeconds(10),
                LatencyBudget.ofDefaults(),
                false);
    }

    public SessionConfig withInstructions(String v) {
        return new SessionConfig(
                v,
                voice,
                summaryMaxTurns,
                summaryMaxChars,
                recoveryBudget,
                backoff,
                maxSessionAge,
                plannedReconnectLead,
                handshakeTimeout,
                latencyBudget,
                playbackReported);
    }

    public SessionConfig withSummaryCaps(int turns, int chars) {
        return new SessionConfig(
                instructions,
                voice,
                turns,
                chars,
                recoveryBudget,
                backoff,
                maxSessionAge,
                plannedReconnectLead,
                handshakeTimeout,
                latencyBudget,
                playbackReported);
    }

    public SessionConfig withRecoveryBudget(Duration v) {
        return new SessionConfig(
                instructions,
                voice,
                summaryMaxTurns,
                summaryMaxChars,
                v,
                backoff,
                maxSessionAge,
                plannedReconnectLead,
                handshakeTimeout,
                latencyBudget,
                playbackReported);
    }

    public SessionConfig withMaxSessionAge(Duration age, Duration lead) {
        return new SessionConfig(
                instructions,
                voice,
                summaryMaxTurns,
                summaryMaxChars,
                recoveryBudget,
                backoff,
                age,
                lead,
                handshakeTimeout,
                latencyBudget,
                playbackReported);
    }

    public SessionConfig withLatencyBudget(LatencyBudget v) {
        return new SessionConfig(
                instructions,
                voice,
                summaryMaxTurns,
                summaryMaxChars,
                recoveryBudget,
                backoff,
                maxSessionAge,
                plannedReconnectLead,
                handshakeTimeout,
                v,
                playbackReported);
    }

    public SessionConfig withPlaybackReported(boolean v) {
        return new SessionConfig(
                instructions,
                voice,
                summaryMaxTurns,
                summaryMaxChars,
                recoveryBudget,
                backoff,
                maxSessionAge,
                plannedReconnectLead,
                handshakeTimeout,
                latencyBudget,
                v);
    }
}
