package dev.keel.realtime.session;

import dev.keel.core.policy.Backoff;
import dev.keel.realtime.latency.LatencyBudget;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SessionController} runs a session. Immutable; start from {@link #ofDefaults()} or {@link #builder()}:
 *
 * <pre>{@code
 * SessionConfig config = SessionConfig.builder().instructions("Be brief.").voice("verse").build();
 * }</pre>
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

    /** The defaults listed on each component. */
    public static SessionConfig ofDefaults() {
        return builder().build();
    }

    /** A builder at the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change some of it. */
    public Builder toBuilder() {
        return new Builder()
                .instructions(instructions)
                .voice(voice)
                .summaryMaxTurns(summaryMaxTurns)
                .summaryMaxChars(summaryMaxChars)
                .recoveryBudget(recoveryBudget)
                .backoff(backoff)
                .maxSessionAge(maxSessionAge)
                .plannedReconnectLead(plannedReconnectLead)
                .handshakeTimeout(handshakeTimeout)
                .latencyBudget(latencyBudget)
                .playbackReported(playbackReported);
    }

    public SessionConfig withInstructions(String v) {
        return toBuilder().instructions(v).build();
    }

    public SessionConfig withSummaryCaps(int turns, int chars) {
        return toBuilder().summaryMaxTurns(turns).summaryMaxChars(chars).build();
    }

    public SessionConfig withRecoveryBudget(Duration v) {
        return toBuilder().recoveryBudget(v).build();
    }

    public SessionConfig withMaxSessionAge(Duration age, Duration lead) {
        return toBuilder().maxSessionAge(age).plannedReconnectLead(lead).build();
    }

    public SessionConfig withLatencyBudget(LatencyBudget v) {
        return toBuilder().latencyBudget(v).build();
    }

    public SessionConfig withPlaybackReported(boolean v) {
        return toBuilder().playbackReported(v).build();
    }

    /** Builds a {@link SessionConfig}, starting from the defaults; not thread-safe. */
    public static final class Builder {
        private String instructions = null;
        private String voice = "alloy";
        private int summaryMaxTurns = 6;
        private int summaryMaxChars = 2_000;
        private Duration recoveryBudget = Duration.ofSeconds(15);
        private Backoff backoff = Backoff.exponentialFullJitter(Duration.ofMillis(200), Duration.ofSeconds(2));
        private Duration maxSessionAge = Duration.ofMinutes(60);
        private Duration plannedReconnectLead = Duration.ofMinutes(5);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private LatencyBudget latencyBudget = LatencyBudget.ofDefaults();
        private boolean playbackReported = false;

        private Builder() {}

        public Builder instructions(String v) {
            instructions = v;
            return this;
        }

        public Builder voice(String v) {
            voice = v;
            return this;
        }

        public Builder summaryMaxTurns(int v) {
            summaryMaxTurns = v;
            return this;
        }

        public Builder summaryMaxChars(int v) {
            summaryMaxChars = v;
            return this;
        }

        public Builder recoveryBudget(Duration v) {
            recoveryBudget = v;
            return this;
        }

        public Builder backoff(Backoff v) {
            backoff = v;
            return this;
        }

        public Builder maxSessionAge(Duration v) {
            maxSessionAge = v;
            return this;
        }

        public Builder plannedReconnectLead(Duration v) {
            plannedReconnectLead = v;
            return this;
        }

        public Builder handshakeTimeout(Duration v) {
            handshakeTimeout = v;
            return this;
        }

        public Builder latencyBudget(LatencyBudget v) {
            latencyBudget = v;
            return this;
        }

        public Builder playbackReported(boolean v) {
            playbackReported = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the value out of range */
        public SessionConfig build() {
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
                    playbackReported);
        }
    }
}
