package dev.keel.bench;

import dev.keel.core.KeelClientConfig;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RealtimeSettings;
import dev.keel.realtime.SyntheticSpeech;
import dev.keel.realtime.session.InterruptResult;
import dev.keel.realtime.session.Phase;
import dev.keel.realtime.session.PhaseChange;
import dev.keel.realtime.session.SessionController;
import dev.keel.realtime.session.SessionCredentials;
import dev.keel.realtime.session.SessionListener;
import dev.keel.realtime.session.WebSocketConnector;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Benchmark {@code realtime-interrupt}: the time from {@code input_audio_buffer.speech_started}
 * arriving at the session controller (read at the top of its event handler, before parsing) to its
 * {@code response.cancel} having been written to the WebSocket, over N barge-ins against the
 * emulator's realtime WebSocket on loopback (in this process). Each barge-in talks over an answer
 * that is streaming; the first 100 are warmup. Not thread-safe: {@link Main} runs it once.
 */
final class RealtimeInterruptBench {

    static final String SUMMARY = "speech_started received -> response.cancel written, p50/p99 over N barge-ins";

    private static final Duration STEP = Duration.ofSeconds(10);
    private static final int WARMUP = 100;

    private final Object monitor = new Object();
    private long[] samples;
    private int count;

    private RealtimeInterruptBench() {}

    static int run(List<String> args) {
        int n = 1000;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--help") || args.get(i).equals("-h")) {
                System.out.println("Usage: keel bench realtime-interrupt [--interrupts N]   (default 1000)");
                return 0;
            }
            if (args.get(i).equals("--interrupts") && i + 1 < args.size()) {
                n = Integer.parseInt(args.get(++i));
            } else {
                System.err.println("keel-bench realtime-interrupt: unknown option '" + args.get(i) + "'");
                return 2;
            }
        }
        return new RealtimeInterruptBench().measure(n);
    }

    private int measure(int n) {
        samples = new long[n + WARMUP];
        var settings = RealtimeSettings.ofDefaults().withAudioPace(20).withAnswerDuration(Duration.ofSeconds(2));
        try (var emulator = Emulator.start(
                EmulatorConfig.builder().recordCapacity(0).realtime(settings).build())) {
            var config =
                    KeelClientConfig.builder("sk-bench", emulator.baseUrl()).build();
            try (var connector = WebSocketConnector.forModel(config, "gpt-realtime");
                    var controller = SessionController.builder(connector, SessionCredentials.apiKey("sk-bench"))
                            .listener(new Recorder())
                            .build()) {
                controller.start();
                System.out.printf(
                        "keel-bench realtime-interrupt: %d barge-ins (+%d warmup) over ws://127.0.0.1:%d, java %s, %d cpus%n",
                        n,
                        WARMUP,
                        emulator.port(),
                        Runtime.version(),
                        Runtime.getRuntime().availableProcessors());
                long start = System.nanoTime();
                for (int i = 0; i < n + WARMUP; i++) {
                    if (!bargeIn(controller, i + 1)) {
                        System.err.printf(
                                "keel-bench realtime-interrupt: barge-in %d did not complete (phase %s)%n",
                                i + 1, controller.phase());
                        return 1;
                    }
                }
                report(n, Duration.ofNanos(System.nanoTime() - start));
                return 0;
            }
        } catch (RuntimeException e) {
            System.err.println("keel-bench realtime-interrupt: could not run: " + e.getMessage());
            return 3;
        }
    }

    /** Gets an answer streaming, talks over it, waits for the cancel to be confirmed. */
    private boolean bargeIn(SessionController c, int expected) {
        if (!await(() -> c.phase() == Phase.SPEAKING, () -> {
            if (c.phase() == Phase.LISTENING) {
                c.appendAudio(SyntheticSpeech.voiced(100), Instant.now());
                c.appendAudio(SyntheticSpeech.silence(300), Instant.now());
            }
        })) {
            return false;
        }
        c.appendAudio(SyntheticSpeech.voiced(40), Instant.now());
        if (!await(() -> count >= expected && c.phase() == Phase.LISTENING, null)) {
            return false;
        }
        c.appendAudio(SyntheticSpeech.silence(300), Instant.now()); // ends the barge-in: the next answer starts
        return true;
    }

    /** Waits for {@code done}; {@code nudge} runs first, outside the monitor (listeners take it under the controller's lock). */
    private boolean await(BooleanSupplier done, Runnable nudge) {
        long deadline = System.nanoTime() + STEP.toNanos();
        if (nudge != null && !done.getAsBoolean()) {
            nudge.run();
        }
        synchronized (monitor) {
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    monitor.wait(Math.max(1, Math.min(20, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private void report(int n, Duration took) {
        long[] measured = Arrays.copyOfRange(samples, WARMUP, WARMUP + n);
        Arrays.sort(measured);
        System.out.printf("%-12s %10s %10s %10s %10s%n", "barge-ins", "p50 (us)", "p99 (us)", "max (us)", "run (s)");
        System.out.printf(
                "%-12d %10.1f %10.1f %10.1f %10.1f%n",
                n,
                measured[(int) Math.ceil(0.50 * n) - 1] / 1e3,
                measured[(int) Math.ceil(0.99 * n) - 1] / 1e3,
                measured[n - 1] / 1e3,
                took.toMillis() / 1e3);
    }

    /** Records each interrupt's trigger-to-sent time and wakes the driver on every change. */
    private final class Recorder implements SessionListener {
        @Override
        public void interruptSent(InterruptResult.Cancelled r, long triggerNanos, long sentNanos) {
            synchronized (monitor) {
                if (count < samples.length) {
                    samples[count] = sentNanos - triggerNanos;
                }
                count++;
                monitor.notifyAll();
            }
        }

        @Override
        public void phaseChanged(PhaseChange change) {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }
}
