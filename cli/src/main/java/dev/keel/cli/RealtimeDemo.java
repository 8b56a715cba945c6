package dev.keel.cli;

import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.realtime.SyntheticSpeech;
import dev.keel.realtime.latency.LatencyBudget;
import dev.keel.realtime.latency.RealtimeMetrics;
import dev.keel.realtime.latency.Segment;
import dev.keel.realtime.latency.TurnLatency;
import dev.keel.realtime.latency.TurnVerdict;
import dev.keel.realtime.session.InterruptResult;
import dev.keel.realtime.session.Phase;
import dev.keel.realtime.session.PhaseChange;
import dev.keel.realtime.session.RecoveryPlan;
import dev.keel.realtime.session.SessionConfig;
import dev.keel.realtime.session.SessionController;
import dev.keel.realtime.session.SessionListener;
import dev.keel.realtime.session.WebSocketConnector;
import dev.keel.realtime.token.TokenBroker;
import dev.keel.realtime.token.TokenIssuer;
import dev.keel.realtime.token.TokenRequest;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The script behind {@code keel realtime demo}: a question, a second question interrupted mid-answer
 * by the user, a forced disconnect and recovery, and a last question; prints the timeline as it
 * happens and the latency table at the end. Not thread-safe; run once.
 */
final class RealtimeDemo {

    /** What the demo saw. */
    record Report(boolean ok, List<TurnLatency> turns, int interrupts, int recoveries) {}

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    private final KeelClientConfig config;
    private final String model;
    private final PrintWriter out;
    private final long start = System.nanoTime();
    private final LatencyBudget budget = LatencyBudget.ofDefaults();
    private int completed;
    private int interrupts;
    private int recoveries;

    RealtimeDemo(KeelClientConfig config, String model, PrintWriter out) {
        this.config = config;
        this.model = model;
        this.out = out;
    }

    Report run() {
        var registry = new SimpleMeterRegistry();
        var request = new TokenRequest(model, "alloy", "You are a concise voice assistant.", 300);
        try (var client = KeelClient.builder(config).build();
                var connector = WebSocketConnector.forModel(config, model)) {
            var broker = new TokenBroker(new TokenIssuer(client)::issue, request, InstantSource.system(), registry);
            var player = new DemoPlayer();
            var controller = SessionController.builder(connector, broker)
                    .config(SessionConfig.ofDefaults()
                            .withInstructions(request.instructions())
                            .withPlaybackReported(true))
                    .metrics(new RealtimeMetrics(registry, Ticker.SYSTEM))
                    .listener(new Printer())
                    .audioSink(player)
                    .build();
            player.controller = controller;
            Thread playing = Thread.ofVirtual().name("keel-demo-player").start(player);
            try (controller) {
                boolean ok = script(controller, player);
                playing.interrupt();
                LatencyTable.print(out, budget, controller.turns());
                return new Report(ok, controller.turns(), interrupts, recoveries);
            }
        }
    }

    private boolean script(SessionController c, DemoPlayer player) {
        note("connecting with an ephemeral token (rotated 30 s before it expires)");
        c.start();
        note("turn 1: the user asks a question");
        say(c, 600, 500);
        if (!await(() -> completed >= 1, "the first answer")) {
            return false;
        }
        note("turn 2: the user asks again and talks over the answer");
        if (!bargeIn(c)) {
            return false;
        }
        note("forcing a disconnect (as a network switch would)");
        c.forceDisconnect();
        if (!await(() -> recoveries >= 1 && c.phase() == Phase.LISTENING, "the recovery")) {
            return false;
        }
        note("turn 4: the user asks after the recovery, now on a slow Bluetooth headset (300 ms player buffer)");
        player.bufferMs = 300;
        say(c, 600, 500);
        return await(() -> completed >= 3, "the last answer");
    }

    /**
     * Asks, then talks over the answer once it is streaming; on a machine so slow that the answer
     * finished first, asks again (at most 3 times).
     */
    private boolean bargeIn(SessionController c) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            int done = completed;
            int before = interrupts;
            say(c, 600, 500);
            if (!await(
                    () -> c.phase() == Phase.SPEAKING && c.snapshot().audioReceivedMs() >= 600 || completed > done,
                    "the second answer")) {
                return false;
            }
            say(c, 500, 500);
            if (!await(() -> interrupts > before || completed > done, "the barge-in")) {
                return false;
            }
            if (interrupts > before) {
                return await(() -> completed > done, "the answer to the barge-in");
            }
            note("the answer ended before the barge-in reached the server; asking again");
            if (!await(() -> completed > done + 1 && c.phase() == Phase.LISTENING, "the answer to that turn")) {
                return false;
            }
        }
        out.println("FAILED: could not talk over an answer in 3 tries");
        return false;
    }

    /** Streams synthetic speech then silence in 20 ms chunks at 4x real time. */
    private void say(SessionController c, int voicedMs, int silentMs) {
        for (int ms = 0; ms < voicedMs + silentMs; ms += 20) {
            byte[] chunk = ms < voicedMs ? SyntheticSpeech.voiced(20) : SyntheticSpeech.silence(20);
            c.appendAudio(chunk, Instant.now());
            pause(5);
        }
    }

    private synchronized boolean await(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                out.println("FAILED: no " + what + " within " + STEP_TIMEOUT.toSeconds() + " s");
                return false;
            }
            try {
                wait(Math.max(1, Math.min(50, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms); // pacing the synthetic user's speech, not waiting for a result
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void note(String text) {
        out.printf("%8s  %s%n", "", "-- " + text);
        out.flush();
    }

    private synchronized void line(String text) {
        out.printf("%+8.3fs  %s%n", (System.nanoTime() - start) / 1e9, text);
        out.flush();
        notifyAll();
    }

    /** Prints the timeline as it happens. */
    private final class Printer implements SessionListener {
        @Override
        public void phaseChanged(PhaseChange c) {
            synchronized (RealtimeDemo.this) {
                if (c.to() == Phase.LISTENING && c.cause().equals("turn completed")
                        || c.from() == Phase.CANCELLING && c.to() == Phase.LISTENING) {
                    completed += c.cause().equals("turn completed") ? 1 : 0;
                }
            }
            line(String.format("%-10s -> %-10s  %s", c.from(), c.to(), c.cause()));
        }

        @Override
        public void interruptSent(InterruptResult.Cancelled r, long triggerNanos, long sentNanos) {
            synchronized (RealtimeDemo.this) {
                interrupts++;
            }
            line(String.format(
                    "interrupt: response.cancel left %.0f us after speech_started; %s",
                    (sentNanos - triggerNanos) / 1e3,
                    r.truncated()
                            ? "truncate at audio_end_ms=" + r.audioEndMs() + " (audio played)"
                            : "nothing played, no truncate"));
        }

        @Override
        public void recovered(String reason, RecoveryPlan plan, boolean newToken, String summary) {
            synchronized (RealtimeDemo.this) {
                recoveries++;
            }
            line("recovered (" + reason + "): " + (newToken ? "new token" : "same token") + ", "
                    + (summary.isEmpty()
                            ? "no summary"
                            : "summary replayed (" + summary.lines().count() + " lines)"));
        }

        @Override
        public void turnMeasured(TurnLatency latency, TurnVerdict verdict) {
            line("turn " + latency.turn() + " first audio: e2e " + LatencyTable.ms(latency, Segment.E2E) + " ms, "
                    + verdict.describe());
        }

        @Override
        public void serverError(String code, String message) {
            line("server error " + code + ": " + message);
        }
    }
}
